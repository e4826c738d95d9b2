"""Registrations: a folded search column for the organizers' search

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 22:50:00

"""
from alembic import op
import sqlalchemy as sa

from forum.registration.folding import search_text


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.String(length=800), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_registrations_search_text'), ['search_text'], unique=False)

    registrations = sa.table(
        'registrations',
        sa.column('id', sa.Integer),
        sa.column('given_name', sa.String),
        sa.column('family_name', sa.String),
        sa.column('name_zh', sa.String),
        sa.column('email', sa.String),
        sa.column('organization', sa.String),
        sa.column('search_text', sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(registrations)).mappings().all()
    for row in rows:
        connection.execute(
            registrations.update()
            .where(registrations.c.id == row['id'])
            .values(
                search_text=search_text(
                    given_name=row['given_name'] or '',
                    family_name=row['family_name'] or '',
                    name_zh=row['name_zh'],
                    email=row['email'] or '',
                    organization=row['organization'] or '',
                )
            )
        )


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_search_text'))
        batch_op.drop_column('search_text')

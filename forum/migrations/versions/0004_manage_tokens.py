"""Several manage links per registration, hashed, in their own table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import forum.columns


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _foreign_keys(enforced):
    # Batch mode rebuilds `registrations` on SQLite: it drops the old table, and with
    # foreign keys enforced that drop would cascade into every seat, badge and link.
    # The pragma takes effect here: nothing in this migration has opened a transaction.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


def upgrade():
    _foreign_keys(enforced=False)
    op.create_table('manage_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', forum.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', forum.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_manage_tokens_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manage_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_manage_tokens_token_hash'))
    )
    with op.batch_alter_table('manage_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manage_tokens_registration_id'), ['registration_id'], unique=False)

    # Every link already sent keeps working: its hash moves to the new table. A cancelled
    # registration's link is dead from now on, as it would be had it been cancelled today.
    op.execute(
        "INSERT INTO manage_tokens (registration_id, token_hash, created_at, revoked_at) "
        "SELECT id, manage_token_hash, updated_at, cancelled_at FROM registrations"
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_registrations_manage_token_hash', type_='unique')
        batch_op.drop_column('manage_token_hash')
    _foreign_keys(enforced=True)


def downgrade():
    _foreign_keys(enforced=False)
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manage_token_hash', sa.String(length=64), nullable=True))
    # The newest link of each registration becomes its only one.
    op.execute(
        "UPDATE registrations SET manage_token_hash = (SELECT token_hash FROM manage_tokens "
        "WHERE manage_tokens.registration_id = registrations.id ORDER BY id DESC LIMIT 1)"
    )
    op.execute(
        "UPDATE registrations SET manage_token_hash = md5(CAST(id AS TEXT)) "
        "WHERE manage_token_hash IS NULL"
        if op.get_bind().dialect.name == "postgresql"
        else "UPDATE registrations SET manage_token_hash = hex(randomblob(32)) "
        "WHERE manage_token_hash IS NULL"
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.alter_column('manage_token_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint('uq_registrations_manage_token_hash', ['manage_token_hash'])

    with op.batch_alter_table('manage_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manage_tokens_registration_id'))

    op.drop_table('manage_tokens')
    _foreign_keys(enforced=True)

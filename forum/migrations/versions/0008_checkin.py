"""Check-ins: admissions, undos, door checks and badge prints, append-only

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 22:50:00

"""
from alembic import op
import sqlalchemy as sa

import forum.columns


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('seat_status', sa.String(length=12), nullable=True),
    sa.Column('desk', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=254), nullable=False),
    sa.Column('at', forum.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('admit', 'undo', 'door', 'print')", name=op.f('ck_check_ins_kind')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_check_ins_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_check_ins_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_check_ins_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins')),
    sa.UniqueConstraint('nonce', name=op.f('uq_check_ins_nonce'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_ins_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('ix_check_ins_session_kind', ['session_id', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_session_kind')
        batch_op.drop_index(batch_op.f('ix_check_ins_registration_id'))

    op.drop_table('check_ins')

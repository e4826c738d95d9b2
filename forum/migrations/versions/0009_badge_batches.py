"""Badge batches: organizers' orders of badges, their progress, PDF and print order

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 00:26:06

"""
from alembic import op
import sqlalchemy as sa

import forum.columns


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('badge_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('edition_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_name', sa.String(length=254), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('layout', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=True),
    sa.Column('claimed_until', forum.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', forum.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', forum.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', forum.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('printed_at', forum.columns.UTCDateTime(timezone=True), nullable=True),
    sa.Column('printed_by_name', sa.String(length=254), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_badge_batches_status')),
    sa.ForeignKeyConstraint(['edition_id'], ['editions.id'], name=op.f('fk_badge_batches_edition_id_editions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_badge_batches_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badge_batches'))
    )
    with op.batch_alter_table('badge_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_batches_edition_id'), ['edition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_badge_batches_status'), ['status'], unique=False)

    op.create_table('badge_batch_items',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['badge_batches.id'], name=op.f('fk_badge_batch_items_batch_id_badge_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_badge_batch_items_registration_id_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'position', name=op.f('pk_badge_batch_items'))
    )
    with op.batch_alter_table('badge_batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_badge_batch_items_registration_id'), ['registration_id'], unique=False)



def downgrade():
    with op.batch_alter_table('badge_batch_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_batch_items_registration_id'))

    op.drop_table('badge_batch_items')
    with op.batch_alter_table('badge_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_batches_status'))
        batch_op.drop_index(batch_op.f('ix_badge_batches_edition_id'))

    op.drop_table('badge_batches')

"""Badges: stale flag and design version on stored renders, short band labels, greyscale-safe colours.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 22:05:00

"""
from alembic import op
import sqlalchemy as sa

import forum.i18n


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# code: (old colour, new colour, English label, Chinese label). A colour an organizer
# already changed is left alone.
STANDARD_CATEGORIES = {
    'delegate': ('#1d4ed8', '#2563eb', 'DELEGATE', '代表'),
    'media': ('#b45309', '#fde047', 'MEDIA', '媒体'),
    'resident': ('#047857', '#4ade80', 'RESIDENT', '市民'),
    'speaker': ('#b3261e', '#991b1b', 'SPEAKER', '嘉宾'),
    'guest': ('#7c3aed', '#c084fc', 'GUEST', '来宾'),
    'staff': ('#374151', '#1f1f1f', 'STAFF', '工作人员'),
}


def upgrade():
    with op.batch_alter_table('badge_renders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_stale', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('design', sa.String(length=10), server_default='3', nullable=False))
        batch_op.create_index(batch_op.f('ix_badge_renders_is_stale'), ['is_stale'], unique=False)

    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('badge_label', forum.i18n.TranslatedType(), nullable=True))

    categories = sa.table(
        'categories',
        sa.column('code', sa.String),
        sa.column('colour', sa.String),
        sa.column('badge_label', forum.i18n.TranslatedType()),
    )
    for code, (old, new, english, chinese) in STANDARD_CATEGORIES.items():
        op.execute(
            categories.update()
            .where(categories.c.code == code, categories.c.badge_label.is_(None))
            .values(badge_label=forum.i18n.Translated(en=english, zh=chinese))
        )
        op.execute(
            categories.update()
            .where(categories.c.code == code, categories.c.colour == old)
            .values(colour=new)
        )


def downgrade():
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_column('badge_label')

    with op.batch_alter_table('badge_renders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_badge_renders_is_stale'))
        batch_op.drop_column('design')
        batch_op.drop_column('is_stale')

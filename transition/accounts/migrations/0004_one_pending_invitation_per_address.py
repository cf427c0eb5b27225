from django.db import migrations, models


def revoke_older_duplicate_invitations(apps, schema_editor):
    # Before the constraint: where a double submission left two pending invitations, the newest one stays.
    Share = apps.get_model("accounts", "Share")
    seen = set()
    for share in Share.objects.filter(status="pending").order_by("-created_at", "-pk"):
        key = (share.engineer_id, share.email.lower(), share.relation)
        if key in seen:
            Share.objects.filter(pk=share.pk).update(status="revoked", token_hash="", ended_at=share.created_at)
        seen.add(key)



CONSTRAINT = models.UniqueConstraint(
    condition=models.Q(("status", "pending")),
    fields=("engineer", "email", "relation"),
    name="share_one_pending_per_address",
)


def add_constraint(apps, schema_editor):
    # On PostgreSQL the unique index is built CONCURRENTLY, so invitations can still be written meanwhile.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS share_one_pending_per_address "
            "ON accounts_share (engineer_id, email, relation) WHERE status = 'pending'"
        )
    else:
        schema_editor.add_constraint(apps.get_model("accounts", "Share"), CONSTRAINT)


def remove_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS share_one_pending_per_address")
    else:
        schema_editor.remove_constraint(apps.get_model("accounts", "Share"), CONSTRAINT)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("accounts", "0003_outbox"),
    ]

    operations = [
        migrations.RunPython(revoke_older_duplicate_invitations, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_constraint, remove_constraint)],
            state_operations=[migrations.AddConstraint(model_name="share", constraint=CONSTRAINT)],
        ),
    ]

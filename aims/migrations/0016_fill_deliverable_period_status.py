"""Fill the status rows (aims.DeliverablePeriodStatus) for the progress already recorded."""

from django.db import migrations


def fill(apps, schema_editor):
    # The one recomputation in SQL (it reads only the tables, not the live models).
    from aims.status_rows import refresh

    Strategy = apps.get_model("aims", "Strategy")
    strategies = list(Strategy.objects.using(schema_editor.connection.alias).values_list("pk", flat=True))
    if strategies:
        refresh(strategies=strategies, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("aims", "0015_deliverable_period_status")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]

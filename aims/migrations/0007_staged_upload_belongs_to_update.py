import django.db.models.deletion
from django.db import migrations, models


def remove_unplaced_kept_files(apps, schema_editor):
    # Files kept before now belonged only to a person, so which deliverable and period they were chosen for is not
    # known; offering them anywhere is what went wrong. They were temporary (removed after a day) and the officer
    # still has the originals, so they are removed rather than guessed at.
    StagedUpload = apps.get_model("aims", "StagedUpload")
    for staged in StagedUpload.objects.all():
        staged.file.delete(save=False)
        staged.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("aims", "0006_business_rule_messages"),
    ]

    operations = [
        migrations.RunPython(remove_unplaced_kept_files, migrations.RunPython.noop),
        migrations.AddField(
            model_name="stagedupload",
            name="deliverable",
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staged_uploads",
                to="aims.deliverable",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="stagedupload",
            name="period",
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="staged_uploads",
                to="aims.reportingperiod",
            ),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="stagedupload",
            index=models.Index(fields=["deliverable", "period", "user"], name="aims_staged_deliver_9e4547_idx"),
        ),
    ]

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import User
from aims.handover import user_deactivate
from aims.models import Deliverable, Evidence, ProgressUpdate
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def counts():
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "aims", "principles", "reports"}
    }


def test_backup_and_restore_gives_back_the_data_and_the_files(tmp_path, settings):
    call_command("load_demo", verbosity=0)
    before = counts()
    files = {e.file.name: e.file.read() for e in Evidence.objects.filter(kind="file")}
    assert files
    backup = tmp_path / "portal.tar.gz"
    call_command("portal_backup", str(backup), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    for path in (tmp_path / "media").rglob("*"):
        if path.is_file():
            path.unlink()
    assert counts()["aims.Strategy"] == 0

    from django.core.cache import cache

    cache.set("body:cached-before-the-restore", "old")
    call_command("portal_restore", str(backup), verbosity=0)
    assert counts() == before
    assert cache.get("body:cached-before-the-restore") is None  # keyed by versions the restore took back
    for name, content in files.items():
        assert Evidence.objects.get(file=name).file.read() == content
    assert User.objects.get(username="officer").check_password("demo-pass-2026")


def test_departed_officer_is_reassigned_and_switched_off_without_losing_history(strategy, open_period, theme,
                                                                                  officer, other_officer):  # fmt: skip
    owned = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=officer)
    shared = factories.DeliverableFactory(strategy=strategy, theme=theme, owner=other_officer)
    shared.contributors.add(officer)
    update = factories.ProgressUpdateFactory(deliverable=owned, period=open_period, author=officer)
    result = user_deactivate(user=officer, reassign_to=other_officer)
    assert result == {"owned": 1, "contributed": 1}
    officer.refresh_from_db()
    assert not officer.is_active and not officer.memberships.exists()
    assert Deliverable.objects.get(pk=owned.pk).owner == other_officer
    assert officer not in shared.contributors.all()
    assert ProgressUpdate.objects.get(pk=update.pk).author == officer  # the record of who wrote it stays
    assert owned.history.filter(owner=officer).exists()

"""The set-up pages: who may use them (anonymous, wrong role, another council's lead, the right lead), the GOV.UK
wording of their errors (never a 500 for bad input), and what each POST does."""

import datetime as dt

import pytest
from django.urls import reverse

from aims.models import Aim, Strategy, Theme
from principles.models import Principle
from strategy_setup import structure, tasks
from tests import factories

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Digital Strategy 2026 to 2029",
    "start_date_0": "1", "start_date_1": "4", "start_date_2": "2026",
    "end_date_0": "31", "end_date_1": "3", "end_date_2": "2029",
    "cadence": "quarterly",
    "aim_label": "Pillar", "aim_label_plural": "Pillars", "theme_label": "Theme", "theme_label_plural": "Themes",
    "summary": "", "vision": "Digital by choice", "responsible_officer": "Director of Digital",
    "adopted_by": "", "adopted_on_0": "", "adopted_on_1": "", "adopted_on_2": "", "status": "draft",
}  # fmt: skip


def _url(name, *args):
    return reverse(f"strategy_setup:{name}", args=args)


def test_set_up_a_new_strategy_from_form_to_task_list(client, strategy, lead):
    client.force_login(lead)
    form = client.get(_url("strategy_create")).content.decode()
    assert "Set up a new strategy" in form and strategy.organisation.name in form
    response = client.post(_url("strategy_create"), {**NEW, "organisation": strategy.organisation.pk})
    assert response.status_code == 302 and response["Location"] == _url("strategy_create_check")
    assert not Strategy.objects.filter(title=NEW["title"]).exists()  # nothing is written before "Create strategy"
    check = client.get(_url("strategy_create_check")).content.decode()
    assert "Check your answers before creating the strategy" in check
    for answer in ("1 April 2026", "31 March 2029", "Quarterly", "Pillars", "Digital by choice", "Not given"):
        assert answer in check
    assert f'href="{_url("strategy_create")}#id_start_date_0"' in check
    # A Change link leads back to the form with the answers given.
    again = client.get(_url("strategy_create")).content.decode()
    assert 'value="Digital by choice"' not in again and "Digital by choice</textarea>" in again
    response = client.post(_url("strategy_create_check"))
    created = Strategy.objects.get(title=NEW["title"])
    assert response["Location"] == _url("strategy_created", created.slug)
    assert created.periods.count() == 12 and created.memberships.get().user == lead
    page = client.get(response["Location"]).content.decode()
    assert "Strategy created" in page and _url("task_list", created.slug) in page
    # Sent twice (a double click): the answers are spent, so the second one goes back to a blank form.
    assert client.post(_url("strategy_create_check"))["Location"] == _url("strategy_create")
    assert Strategy.objects.filter(title=NEW["title"]).count() == 1


def test_only_councils_the_person_leads_in(client, strategy, other_strategy, lead):
    client.force_login(lead)
    page = client.get(_url("strategy_create")).content.decode()
    assert other_strategy.organisation.name not in page
    response = client.post(_url("strategy_create"), {**NEW, "organisation": other_strategy.organisation.pk})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "messages"),
    [
        ({"title": "", "cadence": ""}, ["Enter the strategy&#x27;s title", "Select how often progress is reported"]),
        ({"start_date_0": "", "start_date_1": "", "start_date_2": ""}, ["Enter the start date"]),
        ({"start_date_0": "31", "start_date_1": "2"}, ["Start date must be a real date"]),
        ({"start_date_2": "26"}, ["Start date must be a real date"]),
        ({"end_date_0": "abc"}, ["End date must be a real date"]),
        ({"end_date_1": ""}, ["End date must include a month"]),
        ({"end_date_2": "2026", "end_date_1": "3", "end_date_0": "1"}, ["The end date must be after the start date"]),
        ({"adopted_on_0": "14"}, ["Date adopted must include a month", "Date adopted must include a year"]),
        ({"aim_label": " "}, ["Enter your council&#x27;s word for an aim"]),
        ({"status": "published", "cadence": "weekly"}, ["Select a valid choice"]),
        ({"title": "x" * 201}, ["Title must be 200 characters or fewer"]),
    ],
)
def test_bad_answers_are_named_in_an_error_summary(client, strategy, lead, changes, messages):
    client.force_login(lead)
    response = client.post(_url("strategy_create"), {**NEW, "organisation": strategy.organisation.pk, **changes})
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and page.startswith("\n<!DOCTYPE") is False
    for message in messages:
        assert message in page
    assert "<title>Error:" in page


def test_creating_is_refused_to_officers_board_members_and_clerks(client, strategy, officer, board_member, clerk):
    assert client.get(_url("strategy_create"))["Location"].startswith(reverse("login"))
    for person in (officer, board_member, clerk):
        client.force_login(person)
        assert client.get(_url("strategy_create")).status_code == 403
        response = client.post(_url("strategy_create"), {**NEW, "organisation": strategy.organisation.pk})
        assert response.status_code == 403
        assert client.post(_url("strategy_create_check")).status_code == 403
    assert not Strategy.objects.filter(title=NEW["title"]).exists()


SETUP_PAGES = ["task_list", "details", "details_change", "aim_list", "aim_add", "principle_list", "theme_add"]


@pytest.mark.parametrize("name", SETUP_PAGES)
def test_setup_pages_only_for_the_strategys_leads(client, strategy, lead, officer, board_member, clerk, outsider,
                                                  name):  # fmt: skip
    url = _url(name, strategy.slug)
    assert client.get(url)["Location"].startswith(reverse("login"))
    for refused in (officer, board_member, clerk, outsider):  # outsider: every role in another council's strategy
        client.force_login(refused)
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Sneaky"}).status_code == 403
    assert not Aim.objects.filter(title="Sneaky").exists()
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_writes_refused_to_others_change_nothing(client, strategy, lead, officer, outsider):
    aim = structure.aim_add(strategy=strategy, title="A", by=lead)
    structure.aim_add(strategy=strategy, title="B", by=lead)
    for person in (officer, outsider):
        client.force_login(person)
        assert client.post(_url("aim_move", strategy.slug, aim.pk), {"direction": "down"}).status_code == 403
        assert client.post(_url("aim_remove", strategy.slug, aim.pk)).status_code == 403
        assert client.post(_url("aim_change", strategy.slug, aim.pk), {"title": "X"}).status_code == 403
    aim.refresh_from_db()
    assert (aim.number, aim.title) == (1, "A")


def test_superuser_may_set_up_any_strategy(client, strategy):
    admin = factories.UserFactory(username="admin", is_superuser=True)
    client.force_login(admin)
    assert client.get(_url("task_list", strategy.slug)).status_code == 200
    assert strategy.organisation.name in client.get(_url("strategy_create")).content.decode()


def test_add_change_move_and_remove_an_aim(client, strategy, lead):
    client.force_login(lead)
    strategy.aim_label, strategy.aim_label_plural = "Ambition", "Ambitions"
    strategy.save()
    assert "Add an ambition" in client.get(_url("aim_list", strategy.slug)).content.decode()
    for title in ("Digital residents", "Digital place"):
        response = client.post(_url("aim_add", strategy.slug), {"title": title, "description": ""})
        assert response["Location"] == _url("aim_list", strategy.slug)
    second = Aim.objects.get(title="Digital place")
    page = client.get(_url("aim_list", strategy.slug)).content.decode()
    assert "Ambition 2, “Digital place”, was added." in page
    assert page.index("1. Digital residents") < page.index("2. Digital place")
    assert 'aria-label="Ambitions of ' + strategy.title + '"' in page
    client.post(_url("aim_move", strategy.slug, second.pk), {"direction": "up"})
    page = client.get(_url("aim_list", strategy.slug)).content.decode()
    assert "“Digital place” moved up: it is now ambition 1." in page
    assert page.index("1. Digital place") < page.index("2. Digital residents")
    response = client.post(_url("aim_change", strategy.slug, second.pk), {"title": "A digital place"})
    assert response.status_code == 302
    confirm = client.get(_url("aim_remove", strategy.slug, second.pk)).content.decode()
    assert "Are you sure you want to remove “A digital place”?" in confirm
    client.post(_url("aim_remove", strategy.slug, second.pk))
    assert list(Aim.objects.filter(strategy=strategy).values_list("number", "title")) == [(1, "Digital residents")]


def test_bad_input_on_the_level_forms_never_a_500(client, strategy, other_strategy, lead):
    client.force_login(lead)
    page = client.post(_url("aim_add", strategy.slug), {"title": ""}).content.decode()
    assert "There is a problem" in page and "Enter the aim&#x27;s title" in page
    foreign = factories.AimFactory(strategy=other_strategy)
    page = client.post(_url("theme_add", strategy.slug), {"title": "T", "aims": [foreign.pk]}).content.decode()
    assert "There is a problem" in page and "Select aims of this strategy only" in page
    page = client.post(_url("theme_add", strategy.slug), {"title": "T", "aims": ["x"]}).content.decode()
    assert "Select aims of this strategy only" in page
    page = client.post(_url("theme_add", strategy.slug), {"title": "T"}).content.decode()
    assert "Select at least one aim this theme serves" in page
    assert not Theme.objects.filter(strategy=strategy).exists()
    # Another strategy's item through this strategy's address: not found.
    assert client.get(_url("aim_change", strategy.slug, foreign.pk)).status_code == 404
    assert client.post(_url("aim_move", strategy.slug, foreign.pk), {"direction": "up"}).status_code == 404
    # A move without a direction, or a GET: nothing moves.
    mine = structure.aim_add(strategy=strategy, title="Mine", by=lead)
    response = client.post(_url("aim_move", strategy.slug, mine.pk), {"direction": "left"}, follow=True)
    assert "Choose whether to move it up or down" in response.content.decode()
    assert client.get(_url("aim_move", strategy.slug, mine.pk)).status_code == 405


def test_theme_form_serves_aims_by_checkbox(client, strategy, lead):
    client.force_login(lead)
    aims = [structure.aim_add(strategy=strategy, title=t, by=lead) for t in ("A", "B")]
    post = {"title": "Inclusion", "vision": "V", "expected_outcomes": "O", "aims": [a.pk for a in aims]}
    assert client.post(_url("theme_add", strategy.slug), post).status_code == 302
    theme = Theme.objects.get(title="Inclusion")
    assert set(theme.aims.all()) == set(aims) and theme.expected_outcomes == "O"
    form = client.get(_url("theme_change", strategy.slug, theme.pk)).content.decode()
    assert form.count('type="checkbox"') == 2 and form.count('checked="checked"') == 2
    assert client.post(_url("theme_change", strategy.slug, theme.pk), {**post, "aims": [aims[1].pk]}).status_code == 302
    assert list(theme.aims.all()) == [aims[1]]


def test_refused_removal_says_why_and_what_to_do(client, strategy, theme, open_period, lead):
    client.force_login(lead)
    deliverable = factories.DeliverableFactory(theme=theme, reference="DI-01")
    factories.ProgressUpdateFactory(deliverable=deliverable, period=open_period)
    principle = factories.PrincipleFactory(strategy=strategy, number=1, title="Digital for all")
    factories.DeliverablePrincipleFactory(deliverable=deliverable, principle=principle)
    page = client.get(_url("theme_remove", strategy.slug, theme.pk)).content.decode()
    assert f"You cannot remove “{theme.title}”" in page and "Withdraw deliverables" in page
    assert "Remove theme</button>" not in page
    assert client.post(_url("theme_remove", strategy.slug, theme.pk)).status_code == 409
    assert client.post(_url("principle_remove", strategy.slug, principle.pk)).status_code == 409
    assert Theme.objects.filter(pk=theme.pk).exists() and Principle.objects.filter(pk=principle.pk).exists()


def test_task_list_statuses(client, strategy, lead):
    client.force_login(lead)
    rows = {row.name: row.status for row in tasks.task_list(strategy=strategy)}
    assert rows["Strategy details"] == tasks.IN_PROGRESS
    assert rows["Aims"] == rows["Principles"] == rows["Themes"] == tasks.NOT_STARTED
    assert rows["People and roles"] == tasks.NOT_STARTED  # only its lead
    aim = structure.aim_add(strategy=strategy, title="A", by=lead)
    structure.principle_add(strategy=strategy, title="P", by=lead)
    theme = structure.theme_add(strategy=strategy, title="T", aims=[], by=lead)
    rows = {row.name: row.status for row in tasks.task_list(strategy=strategy)}
    assert (rows["Aims"], rows["Principles"], rows["Themes"]) == (tasks.IN_PROGRESS, tasks.COMPLETED, tasks.IN_PROGRESS)
    structure.theme_change(theme=theme, title="T", aims=[aim], by=lead)
    rows = {row.name: row.status for row in tasks.task_list(strategy=strategy)}
    assert rows["Aims"] == rows["Themes"] == tasks.COMPLETED
    page = client.get(_url("task_list", strategy.slug)).content.decode()
    assert f"Set up {strategy.title}" in page and 'class="govuk-task-list"' in page
    assert f'href="{_url("aim_list", strategy.slug)}"' in page
    assert f'href="{reverse("people:people_list", args=[strategy.slug])}"' in page


def test_every_task_links_to_its_screens(client, strategy, lead):
    client.force_login(lead)
    page = client.get(_url("task_list", strategy.slug)).content.decode()
    for name in ("details", "aim_list", "principle_list", "theme_list", "deliverable_list", "period_list"):
        assert f'href="{_url(name, strategy.slug)}"' in page, name
    assert len(tasks.task_list(strategy=strategy)) == 7


def test_task_list_and_lists_read_a_fixed_number_of_queries(client, strategy, lead, django_assert_max_num_queries):
    client.force_login(lead)
    aims = [factories.AimFactory(strategy=strategy, number=n + 1) for n in range(30)]
    for n in range(30):
        theme = factories.ThemeFactory(strategy=strategy, number=n + 1)
        theme.aims.add(*aims[:3])
        factories.DeliverableFactory(theme=theme)
        factories.PrincipleFactory(strategy=strategy, number=n + 1)
    client.get(_url("task_list", strategy.slug))  # the council's name is kept per process after a first page
    for name, most in (("task_list", 10), ("aim_list", 6), ("theme_list", 6), ("principle_list", 5)):
        with django_assert_max_num_queries(most):
            assert client.get(_url(name, strategy.slug)).status_code == 200


def test_strategy_details_change(client, strategy, lead):
    client.force_login(lead)
    page = client.get(_url("details", strategy.slug)).content.decode()
    assert strategy.organisation.name in page and 'Change<span class="govuk-visually-hidden"> title' in page
    post = {**NEW, "title": "Renamed strategy", "start_date_0": "1", "start_date_1": "4", "start_date_2": "2025",
            "end_date_2": "2028", "cadence": "six_monthly"}  # fmt: skip
    response = client.post(_url("details_change", strategy.slug), post)
    assert response["Location"] == _url("details", strategy.slug)
    strategy.refresh_from_db()
    assert strategy.title == "Renamed strategy" and strategy.aim_label == "Pillar"
    assert strategy.start_date == dt.date(2025, 4, 1)
    page = client.post(_url("details_change", strategy.slug), {**post, "end_date_0": "x"}).content.decode()
    assert "End date must be a real date" in page


def test_the_lead_publishes_the_strategy_and_chooses_whether_names_show(client, strategy, lead):
    client.force_login(lead)
    assert client.get(reverse("public:strategy", args=[strategy.slug])).status_code == 404
    post = {**NEW, "title": strategy.title, "start_date_0": "1", "start_date_1": "4", "start_date_2": "2025",
            "end_date_2": "2028", "cadence": strategy.cadence, "is_published": "on"}  # fmt: skip
    client.post(_url("details_change", strategy.slug), post)
    strategy.refresh_from_db()
    assert strategy.is_published and not strategy.public_shows_names
    page = client.get(_url("details", strategy.slug)).content.decode()
    assert "Publish this strategy’s progress on the public pages" in page
    assert client.get(reverse("public:strategy", args=[strategy.slug])).status_code == 200
    client.post(_url("details_change", strategy.slug), {**post, "public_shows_names": "on"})
    strategy.refresh_from_db()
    assert strategy.public_shows_names


def test_links_for_leads_only(client, strategy, lead, officer):
    for url in (reverse("aims:strategy_list"), reverse("home")):
        client.force_login(officer)
        assert "Set up a new strategy" not in client.get(url).content.decode()
        client.force_login(lead)
        assert "Set up a new strategy" in client.get(url).content.decode()
    detail = reverse("aims:strategy_detail", args=[strategy.slug])
    client.force_login(officer)
    assert _url("task_list", strategy.slug) not in client.get(detail).content.decode()
    client.force_login(lead)
    assert _url("task_list", strategy.slug) in client.get(detail).content.decode()


def test_changing_dates_once_progress_is_recorded_is_refused_on_the_form(client, strategy, theme, lead):
    period = factories.PeriodFactory(strategy=strategy)
    factories.ProgressUpdateFactory(deliverable=factories.DeliverableFactory(theme=theme), period=period)
    client.force_login(lead)
    post = {**NEW, "title": strategy.title, "cadence": "quarterly"}
    response = client.post(_url("details_change", strategy.slug), post)
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "its dates and reporting cadence can no longer change" in page
    assert f'<span class="govuk-caption-l">{strategy.title}</span>' in page
    strategy.refresh_from_db()
    assert strategy.cadence == "six_monthly" and strategy.periods.count() == 1


def test_check_answers_without_answers_goes_back_to_the_form(client, strategy, lead):
    client.force_login(lead)
    assert client.get(_url("strategy_create_check"))["Location"] == _url("strategy_create")
    session = client.session
    session["strategy_setup_new"] = {"title": "Half an answer"}  # e.g. kept from before a change to the form
    session.save()
    assert client.post(_url("strategy_create_check"))["Location"] == _url("strategy_create")
    assert not Strategy.objects.filter(title="Half an answer").exists()

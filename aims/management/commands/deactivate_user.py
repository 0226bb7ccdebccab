from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aims.handover import user_deactivate
from core.errors import DomainError


class Command(BaseCommand):
    help = "Hand a departing person's deliverables to a colleague and switch their account off. History is kept."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reassign-to", required=True, help="username of the person taking over")

    def handle(self, *args, username, reassign_to, **options):
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
            successor = User.objects.get(username=reassign_to)
        except User.DoesNotExist as exc:
            raise CommandError(f"No such user: {exc}") from exc
        try:
            counts = user_deactivate(user=user, reassign_to=successor)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{user} is switched off. {counts['owned']} deliverable(s) now belong to {successor}; "
                f"removed as contributor from {counts['contributed']}."
            )
        )

"""Recount every fast's stored ``participant_count`` from its memberships.

The counter is kept exact in the transaction of each join, leave and profile deletion; this
command is the audit and the repair after anything that bypassed the services (raw SQL, a
restored backup). It reports the fasts it corrected and bumps their churches' cache versions.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from hub.caching import churches_bump
from hub.models import Fast, Membership


class Command(BaseCommand):
    help = "Recount Fast.participant_count from the memberships and fix any drift."

    def handle(self, *args: Any, **options: Any) -> None:
        members = (
            Membership.objects.filter(fast=OuterRef("pk"))
            .order_by()
            .values("fast")
            .annotate(n=Count("pk"))
            .values("n")[:1]
        )
        with transaction.atomic():
            drifted = list(
                Fast.objects.annotate(actual=Coalesce(Subquery(members), Value(0)))
                .exclude(participant_count=Coalesce(Subquery(members), Value(0)))
                .values_list("pk", "church_id", "participant_count", "actual")
            )
            for fast_id, _church_id, stored, actual in drifted:
                Fast.objects.filter(pk=fast_id).update(participant_count=actual)
                self.stdout.write(f"fast {fast_id}: {stored} -> {actual}")
            churches_bump(church_ids={church_id for _, church_id, _, _ in drifted})
        self.stdout.write(self.style.SUCCESS(f"{len(drifted)} fast(s) corrected."))

"""The starting scores referrals recorded before assessments had a kind: a referral's
starting assessment that does not answer every scaled item of its version holds starting
scores, not a reading of the whole instrument (`Assessment.Kind.STARTING_SCORES`). A whole
assessment named as the starting point stays a reading. The follows' next due dates are
recomputed by the scheduled job (`follows_due_dates_refresh`), which no longer counts them."""

from django.db import migrations
from django.db.models import Count, F, OuterRef, Q, Subquery


def mark(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    Referral = apps.get_model("referrals", "Referral")
    Item = apps.get_model("instruments", "Item")
    scaled = (
        Item.objects.filter(version_id=OuterRef("version_id"), scale_type="ordinal")
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    starting = Referral.objects.filter(starting_assessment__isnull=False).values(
        "starting_assessment_id"
    )
    partial = (
        Assessment.objects.filter(pk__in=starting)
        .annotate(scaled=Subquery(scaled))
        .filter(Q(scaled__isnull=True) | Q(scored_items__lt=F("scaled")))
        .values_list("pk", flat=True)
    )
    Assessment.objects.filter(pk__in=list(partial)).update(kind="starting_scores")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_start_assessment_kind"),
        ("instruments", "0005_nominal_items_and_profile"),
        ("referrals", "0002_programmes_and_focus_items"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]

from django.contrib import admin

from . import services
from .models import DefaultFollow


@admin.register(DefaultFollow)
class DefaultFollowAdmin(admin.ModelAdmin):
    """The instrument and cadence an organisation's new citizens follow (offered by the form
    that registers a citizen); every change is a change record."""

    list_display = ["organisation", "instrument", "every_days"]
    list_filter = ["organisation"]

    def save_model(self, request, obj, form, change):
        services.default_follow_save(actor=request.user, default=obj)

    def delete_model(self, request, obj):
        services.default_follow_delete(actor=request.user, default=obj)

    def delete_queryset(self, request, queryset):
        for default in queryset:
            services.default_follow_delete(actor=request.user, default=default)

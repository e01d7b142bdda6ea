from django.contrib import admin

from . import services
from .models import ClaimMapping


@admin.register(ClaimMapping)
class ClaimMappingAdmin(admin.ModelAdmin):
    """Which group or role claims of the identity provider give which organisation and role;
    every change is a change record."""

    list_display = ["issuer", "claim", "value", "organisation", "role"]
    list_filter = ["issuer", "role", "organisation"]
    search_fields = ["value"]

    def save_model(self, request, obj, form, change):
        services.claim_mapping_save(actor=request.user, mapping=obj)

    def delete_model(self, request, obj):
        services.claim_mapping_delete(actor=request.user, mapping=obj)

    def delete_queryset(self, request, queryset):
        for mapping in queryset:
            services.claim_mapping_delete(actor=request.user, mapping=mapping)

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Fremdrift", {"fields": ["organisation", "role"]}),
    ]

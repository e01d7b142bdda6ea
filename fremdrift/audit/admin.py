"""The Django admin's user pages, here rather than in `accounts` because every change of who
may do what is a change record, which stands in this app."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied

from fremdrift.accounts.models import User

from .services import ACCESS_FIELDS, user_access_errors, user_access_record, user_access_state


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "role", "is_active"]
    list_filter = ["role", "organisation", "is_active"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Fremdrift", {"fields": ["organisation", "role"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own access: an administrator cannot make themselves a
            # caseworker, move to another organisation or switch themselves off.
            readonly += [*ACCESS_FIELDS, "groups", "user_permissions"]
        return readonly

    def save_model(self, request, obj, form, change):
        before = user_access_state(User.objects.get(pk=obj.pk)) if change else None
        errors = user_access_errors(actor=request.user, user=obj, before=before)
        if errors:
            raise PermissionDenied(next(iter(errors.values())))
        super().save_model(request, obj, form, change)
        user_access_record(actor=request.user, user=obj, before=before)

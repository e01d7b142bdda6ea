from django.contrib import admin

from .forms import AdminLoginForm
from .models import Organisation

admin.site.login_form = AdminLoginForm

# The user pages are `audit.admin`: every change of a user's access is a change record.


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]

"""The registers' staff pages: the list, the import of a file with its preview, one register's people.

The file read at upload is kept in the session (its cells only, until the import or the cancel) rather than as a
pending register: nothing of a refused or abandoned file reaches the tables, and the confirmation checks the lines
again against what was imported meanwhile."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import can_run_campaigns, power_required
from campaigns.enums import RegisterAccessReason
from campaigns.forms import ImportConfirmForm, RegisterUploadForm
from campaigns.imports import (
    ImportChanged,
    Line,
    RegisterFileError,
    register_file_read,
    register_import,
    register_lines_check,
)
from campaigns.models import Register
from campaigns.privacy import register_access_records

PENDING_IMPORT = "campaigns_pending_import"
ENTRIES_PER_PAGE = 100


@power_required(can_run_campaigns)
@require_safe
def register_list(request: HttpRequest) -> HttpResponse:
    registers = Register.objects.select_related("imported_by").annotate(entry_count=Count("entries"))
    return render(request, "campaigns/register_list.html", {"registers": registers})


@power_required(can_run_campaigns)
@require_http_methods(["GET", "POST"])
def register_upload(request: HttpRequest) -> HttpResponse:
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            lines = register_file_read(upload)
        except RegisterFileError as error:
            form.add_error("file", str(error))
        else:
            checked = register_lines_check(lines)
            request.session[PENDING_IMPORT] = {
                "name": form.cleaned_data["name"],
                "source_organisation": form.cleaned_data["source_organisation"],
                "file_name": upload.name,
                "lines": [[line.number, line.cells] for line in lines],
                "promised": [line.number for line in checked if line.valid],
            }
            return redirect("campaigns:register_preview")
    return render(
        request,
        "campaigns/register_upload.html",
        {"form": form, "REGISTER_RETENTION_DAYS": settings.REGISTER_RETENTION_DAYS},
    )


@power_required(can_run_campaigns)
@require_http_methods(["GET", "POST"])
def register_preview(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_IMPORT)
    if not pending:
        messages.info(request, _("Aucun fichier en attente : choisissez un fichier à importer."))
        return redirect("campaigns:register_upload")
    if request.method == "POST" and "cancel" in request.POST:
        del request.session[PENDING_IMPORT]
        messages.info(request, _("Import abandonné : rien n'a été enregistré."))
        return redirect("campaigns:register_list")
    lines = [Line(number=number, cells=cells) for number, cells in pending["lines"]]
    checked = register_lines_check(lines)
    valid = [line for line in checked if line.valid]
    invalid = [line for line in checked if not line.valid]
    form = ImportConfirmForm(request.POST or None, invalid_count=len(invalid))
    if request.method == "POST" and form.is_valid() and valid:
        try:
            register = register_import(
                name=pending["name"],
                source_organisation=pending["source_organisation"],
                file_name=pending["file_name"],
                lines=lines,
                promised=[line.number for line in valid],
                imported_by=request.user,
            )
        except ImportChanged:
            messages.warning(request, _("Des personnes ont été importées entre-temps : relisez l'aperçu."))
        else:
            del request.session[PENDING_IMPORT]
            register_access_records(request, RegisterAccessReason.IMPORT, register.entries.all())
            messages.success(
                request,
                ngettext(
                    "%(count)s personne importée dans le registre « %(name)s ».",
                    "%(count)s personnes importées dans le registre « %(name)s ».",
                    len(valid),
                )
                % {"count": len(valid), "name": register.name},
            )
            return redirect("campaigns:register_detail", pk=register.pk)
    register_access_records(
        request,
        RegisterAccessReason.IMPORT,
        [],
        detail=f"{pending['file_name']} : {len(checked)} lignes",
    )
    return render(
        request,
        "campaigns/register_preview.html",
        {"pending": pending, "checked": checked, "valid": valid, "invalid": invalid, "form": form},
    )


@power_required(can_run_campaigns)
@require_safe
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    register = get_object_or_404(Register.objects.select_related("imported_by"), pk=pk)
    entries = register.entries.select_related("commune", "possible_duplicate_request").order_by("line_number")
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    register_access_records(request, RegisterAccessReason.STAFF, shown, register=register)
    return render(request, "campaigns/register_detail.html", {"register": register, "page": page, "entries": shown})

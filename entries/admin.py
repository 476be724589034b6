from django.contrib import admin

from entries.models import Candidate, Entry, Series, Syllabus


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "entry_deadline", "results_release_at"]
    search_fields = ["code", "name"]


@admin.register(Syllabus)
class SyllabusAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "qualification"]
    search_fields = ["code", "title"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["candidate_number", "surname", "forenames", "centre", "series", "uci"]
    list_filter = ["series", "centre"]
    search_fields = ["candidate_number", "surname", "uci", "centre__number"]
    list_select_related = ["centre", "series"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["candidate", "syllabus", "option_code", "candidate__series", "status"]
    list_filter = ["candidate__series", "status"]
    search_fields = ["candidate__candidate_number", "candidate__surname", "syllabus__code"]
    list_select_related = ["candidate__series", "syllabus"]
    raw_id_fields = ["candidate"]

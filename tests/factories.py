import datetime as dt

import factory
from django.utils import timezone

from entries.models import (
    Candidate,
    Component,
    Entry,
    EntryOption,
    LateEntryPeriod,
    Paper,
    Series,
    Syllabus,
)
from portal.accounts.models import User
from portal.centres.models import Centre, Membership

PASSWORD = "a-long-test-password-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class StaffFactory(UserFactory):
    """Awarding-body staff holding ``roles`` (none unless told)."""

    is_staff = True

    @factory.post_generation
    def roles(user, create, extracted, **kwargs):
        if not create or not extracted:
            return
        from django.contrib.auth.models import Group

        from portal.accounts.roles import sync_roles

        names = list(extracted)
        groups = Group.objects.filter(name__in=names)
        if groups.count() != len(set(names)):
            groups = [sync_roles()[name] for name in names]
        user.groups.set(groups)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: f"ZZ{n:03d}")
    name = factory.Sequence(lambda n: f"Test School {n}")
    country = "GB"
    timezone = "Europe/London"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)


class OfficerFactory(UserFactory):
    """An exams officer with a membership of one centre (pass ``membership__centre``)."""

    membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user")


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"S{n:02d}")
    name = factory.Sequence(lambda n: f"Series {n}")
    entry_deadline = dt.date(2027, 2, 21)
    results_release_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=60))


class SyllabusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Syllabus
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{n % 10000:04d}")
    title = factory.Sequence(lambda n: f"Subject {n}")
    qualification = "Cambridge IGCSE"


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    centre = factory.SubFactory(CentreFactory)
    series = factory.SubFactory(SeriesFactory)
    candidate_number = factory.Sequence(lambda n: f"{n % 10000:04d}")
    surname = "Smith"
    forenames = "Alex"
    date_of_birth = dt.date(2010, 1, 1)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    candidate = factory.SubFactory(CandidateFactory)
    centre = factory.SelfAttribute("candidate.centre")
    syllabus = factory.SubFactory(SyllabusFactory)
    option_code = "42"


class QaSeriesFactory(factory.django.DjangoModelFactory):
    """The QA dates of a series: its grade window open now, reviews due in a month."""

    class Meta:
        model = "qa.QaSeries"
        django_get_or_create = ["series"]

    series = factory.SubFactory(SeriesFactory)
    grades_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=7))
    grades_close_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))
    review_due = factory.LazyFunction(lambda: (timezone.now() + dt.timedelta(days=30)).date())


class GradeFactory(factory.django.DjangoModelFactory):
    """A school-assessed grade submitted in round 1 (pass ``candidate`` and ``syllabus``)."""

    class Meta:
        model = "qa.Grade"

    candidate = factory.SubFactory(CandidateFactory)
    syllabus = factory.SubFactory(SyllabusFactory)
    centre = factory.LazyAttribute(lambda g: g.candidate.centre)
    series = factory.LazyAttribute(lambda g: g.candidate.series)
    grade = "B"


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component
        django_get_or_create = ["syllabus", "code"]

    syllabus = factory.SubFactory(SyllabusFactory)
    code = "42"
    title = "Paper 4"


class EntryOptionFactory(factory.django.DjangoModelFactory):
    """An option of a syllabus in a series, sat through ``components`` (none unless given)."""

    class Meta:
        model = EntryOption
        django_get_or_create = ["series", "syllabus", "code"]
        skip_postgeneration_save = True

    series = factory.SubFactory(SeriesFactory)
    syllabus = factory.SubFactory(SyllabusFactory)
    code = "42"

    @factory.post_generation
    def components(option, create, extracted, **kwargs):
        if create and extracted:
            option.components.set(extracted)


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    series = factory.SubFactory(SeriesFactory)
    component = factory.SubFactory(ComponentFactory)
    date = dt.date(2027, 5, 10)
    session = Paper.Session.MORNING
    duration = dt.timedelta(hours=2)


class LateEntryPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LateEntryPeriod

    series = factory.SubFactory(SeriesFactory)
    name = "Late entries"
    ends_on = dt.date(2027, 3, 14)
    fee = "25.00"

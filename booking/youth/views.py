"""Public pages: the training, the application form, the student's page, the guardian's page."""

from __future__ import annotations

import secrets

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from booking.core.cache import Lazy, cached_page
from booking.core.errors import DomainError
from booking.core.i18n import current_language
from booking.core.numbers import parse_digits
from booking.core.ratelimit import Refusal, SubmissionLimits, public_form_limit
from booking.core.time import utcnow
from booking.schools.models import School
from booking.youth import bp, hooks, services
from booking.youth.forms import OTHER_SCHOOL, ApplicationForm, ConsentForm, ResendLinkForm
from booking.youth.models import Application, Audience, Cohort, CohortEvent, ConsentStatus
from booking.youth.rules import grade_label, grade_list


@bp.app_template_filter("grade_label")
def grade_label_filter(value: object) -> str:
    return grade_label(int(value))


@bp.app_template_filter("grade_list")
def grade_list_filter(grades: list[int]) -> str:
    return grade_list(grades)


@bp.route("/youth/")
@cached_page(Cohort, CohortEvent, hooks.INDEX_SOURCES)
def index():
    choice = services.index_choice()
    # The cohorts are read only when the cached page is missing.
    return render_template(
        "youth/index.html",
        choice=choice,
        cohort=Lazy(lambda: services.get_featured(choice.cohort_id)),
        state=choice.state,
        past=Lazy(lambda: services.cohorts_by_id(choice.past_ids)),
        resend_form=ResendLinkForm(),
        **hooks.context(hooks.INDEX_CONTEXT),
    )


def _data(form: ApplicationForm) -> services.ApplicationData:
    school = form.school_id.data or ""
    grade = form.grade.data or ""
    return services.ApplicationData(
        family_name=form.family_name.data or "",
        given_name=form.given_name.data or "",
        family_name_kana=form.family_name_kana.data or "",
        given_name_kana=form.given_name_kana.data or "",
        school_id=parse_digits(school),
        school_name=(form.school_name.data or "") if parse_digits(school) is None else "",
        grade=parse_digits(grade),
        email=form.email.data or "",
        phone=form.phone.data or "",
        guardian_name=form.guardian_name.data or "",
        guardian_relationship=form.guardian_relationship.data or "",
        guardian_email=form.guardian_email.data or "",
        guardian_phone=form.guardian_phone.data or "",
        essay=form.essay.data or "",
        attest_eligibility=bool(form.attest_eligibility.data),
        attest_schedule=bool(form.attest_schedule.data),
        privacy_consent=bool(form.privacy_consent.data),
    )


def _save(
    form: ApplicationForm, application: Application | None = None, limits: SubmissionLimits | None = None
) -> services.Saved | Refusal | None:
    """Save a draft or send, as the button pressed says; problems go onto the form.

    With `limits`, the attempt counts against the student's email address first.
    """
    cohort = form.cohort
    message = services.window_message(cohort)
    if message:
        form.add_error(message)
        return None
    draft = request.form.get("action") == "draft"
    if not (form.validate_for_draft() if draft else form.validate()):
        if form.submission_key.errors:
            form.renew_submission_key()
        return None
    refused = limits.email_attempt(form.email.data or "") if limits is not None else None
    if refused is not None:
        return refused
    try:
        if application is not None and not application.is_draft:
            return services.update_application(application, _data(form))
        save = services.save_draft if draft else services.submit_application
        return save(
            cohort,
            _data(form),
            application=application,
            submission_key=form.submission_key.data,
            language=current_language(),
        )
    except services.SubmissionKeyRefused as error:
        form.add_error(error)
        form.renew_submission_key()
    except DomainError as error:
        for problem in error.errors:
            form.add_error(problem)
    return None


def _saved_message(saved: services.Saved) -> str:
    if saved.repeated:
        return _(
            "This form had already been sent, so nothing new was made. We have emailed you the private "
            "link; if it has not arrived, you can ask for it again on this page."
        )
    if saved.application.is_draft:
        return _("Your draft is saved. We have emailed you the link to come back to it.")
    if saved.submitted_now:
        return _(
            "Your application is sent. Your applicant code is %(code)s. We have emailed you and asked "
            "your guardian for consent.",
            code=saved.application.code,
        )
    return _("Your changes are saved.")


APPLY_LIMITS = SubmissionLimits("youth.apply")


@bp.route("/youth/apply", methods=["GET", "POST"])
@cached_page(Cohort, CohortEvent, School)
def apply():
    if request.method == "GET":
        return _empty_application_form()
    cohort = services.featured_cohort() or abort(404)
    form = ApplicationForm(cohort)
    resent = False
    # A refused attempt shows the form again, everything typed kept, and when to try again.
    refused = APPLY_LIMITS.address_attempt() if request.method == "POST" else None
    if refused is None and request.method == "POST" and request.form.get("action") == "resend_link":
        # The same answer whether or not the address has an application: nobody can probe.
        if form.email.validate(form):
            services.resend_link(cohort, form.email.data)
            resent = True
    elif refused is None and request.method == "POST":
        saved = _save(form, limits=APPLY_LIMITS)
        if isinstance(saved, Refusal):
            refused, saved = saved, None
        if saved is not None and saved.repeated:
            # No new private link for a form sent again: the first one went by email, and
            # it does not count against the address.
            APPLY_LIMITS.give_back_email(form.email.data or "")
            flash(_saved_message(saved), "info")
            return redirect(url_for("youth.index"))
        if saved is not None:
            flash(_saved_message(saved), "success")
            return redirect(url_for("youth.application", token=saved.token))
    if refused is not None:
        form.add_error(refused.message)
    window = services.window_message(cohort)
    return render_template(
        "youth/apply.html",
        form=form,
        cohort=cohort,
        choice=None,
        window=window,
        window_open=window is None,
        resent=resent,
        duplicate=services.duplicate_message() in form.email.errors,
    ), 429 if refused is not None else 422 if form.has_errors else 200


def _empty_application_form() -> str:
    """The empty form, whose text and fields are cached: the cohort is read, and the form
    built, only on a miss."""
    choice = services.index_choice()
    if choice.cohort_id is None:
        abort(404)
    cohort = Lazy(lambda: services.get_featured(choice.cohort_id))
    return render_template(
        "youth/apply.html",
        form=Lazy(lambda: ApplicationForm(cohort)),
        pristine=True,
        submission_key=secrets.token_urlsafe(24),
        cohort=cohort,
        choice=choice,
        window=Lazy(lambda: services.window_message(cohort)),
        window_open=choice.state.is_open,
        resent=False,
        duplicate=False,
    )


@bp.route("/youth/applications/<token>", methods=["GET", "POST"])
@public_form_limit()
def application(token: str):
    found = services.application_for_token(token, Audience.STUDENT) or abort(404)
    # A form another feature answers on this page (selection: the answer to an offer).
    action = (
        hooks.APPLICATION_ACTIONS.get(request.form.get("action", "")) if request.method == "POST" else None
    )
    shown = action(found) if action is not None else None
    if action is not None and shown is None:
        return redirect(url_for("youth.application", token=token))
    form = ApplicationForm(found.cohort, data=None if request.method == "POST" else _prefill(found))
    if request.method == "POST" and action is None:
        if not found.can_edit(utcnow()):
            form.add_error(
                services.window_message(found.cohort) or _("This application can no longer be changed.")
            )
        else:
            saved = _save(form, application=found)
            if saved is not None:
                flash(_saved_message(saved), "success")
                return redirect(url_for("youth.application", token=saved.token or token))
    status = 422 if form.has_errors or shown else 200
    return render_template(
        "youth/application.html",
        application=found,
        applicant=found.applicant,
        cohort=found.cohort,
        form=form,
        can_edit=found.can_edit(utcnow()),
        window=services.window_message(found.cohort),
        token=token,
        **hooks.context(hooks.APPLICATION_CONTEXT, found),
        **(shown or {}),
    ), status


def _prefill(application: Application) -> dict:
    applicant = application.applicant
    data = {
        name: getattr(applicant, name)
        for name in (
            "family_name",
            "given_name",
            "family_name_kana",
            "given_name_kana",
            "school_name",
            "email",
            "phone",
            "guardian_name",
            "guardian_relationship",
            "guardian_email",
            "guardian_phone",
            "attest_eligibility",
            "attest_schedule",
            "privacy_consent",
        )
    }
    data["school_id"] = (
        str(applicant.school_id) if applicant.school_id else (OTHER_SCHOOL if applicant.school_name else "")
    )
    data["grade"] = str(applicant.grade) if applicant.grade else ""
    data["essay"] = application.essay
    return data


@bp.route("/youth/consent/<token>", methods=["GET", "POST"])
@public_form_limit()
def consent(token: str):
    found = services.application_for_token(token, Audience.GUARDIAN) or abort(404)
    answered = found.consent_status != ConsentStatus.PENDING
    form = ConsentForm(
        data={"decision": found.consent_status.value, "signed_name": found.applicant.consent_signed_name}
        if answered and request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            services.answer_consent(found, ConsentStatus(form.decision.data), form.signed_name.data)
        except DomainError as error:
            form.add_error(error)
        else:
            flash(_("Thank you. Your answer is recorded, and your child has been told by email."), "success")
            return redirect(url_for("youth.consent", token=token))
    return render_template(
        "youth/consent.html", application=found, applicant=found.applicant, cohort=found.cohort, form=form
    ), 422 if form.has_errors else 200

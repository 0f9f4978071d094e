//! The action forms of a user's page. Each needs sudo mode (else the admin is sent to confirm
//! their password, and back to the page); a refusal comes back as the page with its message,
//! a bad reason as the page with the message beside it and the reason kept.

use actix_session::Session;
use actix_web::{HttpResponse, http::StatusCode, web};
use serde::Deserialize;

use super::detail::{self, Outcome};
use crate::{
    accounts::service::admin::{self as service, RoleChange},
    admin::{admin_of, audit::Reason, html as shell, sudo::Sudo},
    errors::AppResult,
    service::{Actor, Admin, ServiceError, ServiceResult, UserId},
    web::{
        AppState,
        flash::{self, FlashKind},
        forms,
        page::PageContext,
    },
};

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    reason: String,
    /// For `/roles`: which change.
    #[serde(default)]
    change: String,
}

/// What each form does, once parsed.
enum Act {
    Suspend,
    Unsuspend,
    VerifyEmail,
    SendReset,
    Role(RoleChange),
}

impl Act {
    fn form(&self) -> &'static str {
        match self {
            Act::Suspend => "suspend",
            Act::Unsuspend => "unsuspend",
            Act::VerifyEmail => "verify",
            Act::SendReset => "reset",
            Act::Role(change) => change.as_str(),
        }
    }

    fn reason_required(&self) -> bool {
        matches!(
            self,
            Act::Suspend | Act::Role(RoleChange::RemoveAdmin) | Act::Role(RoleChange::GrantAdmin)
        )
    }

    fn done(&self) -> &'static str {
        match self {
            Act::Suspend => "Account suspended; its sessions were ended.",
            Act::Unsuspend => "Suspension lifted.",
            Act::VerifyEmail => "Address marked as confirmed.",
            Act::SendReset => "Password reset email sent.",
            Act::Role(RoleChange::GrantHost) => "Host role granted.",
            Act::Role(RoleChange::RemoveHost) => "Host role removed.",
            Act::Role(RoleChange::GrantAdmin) => "Admin role granted.",
            Act::Role(RoleChange::RemoveAdmin) => "Admin role removed.",
        }
    }

    async fn run(
        &self,
        state: &AppState,
        sudo: &Sudo,
        id: UserId,
        reason: &Reason,
    ) -> ServiceResult<()> {
        let mut conn = crate::db::connection(&state.pool).await?;
        match self {
            Act::Suspend => service::suspend(&mut conn, sudo, id, reason).await,
            Act::Unsuspend => service::unsuspend(&mut conn, sudo, id, reason).await,
            Act::VerifyEmail => service::verify_email(&mut conn, sudo, id, reason).await,
            Act::SendReset => {
                let base_url = &state.config.base_url;
                service::send_password_reset(&mut conn, base_url, sudo, id, reason).await
            }
            Act::Role(change) => service::change_role(&mut conn, sudo, id, *change, reason).await,
        }
    }
}

async fn act(
    act: Act,
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: UserId,
    form: &ActionForm,
) -> AppResult<HttpResponse> {
    let admin: Admin = admin_of(&actor)?;
    let here = format!("/admin/users/{id}");
    let Some(sudo) = shell::sudo(&session, admin) else {
        return Ok(shell::confirm_first(&here));
    };
    let reason = match Reason::parse(&form.reason, act.reason_required()) {
        Ok(reason) => reason,
        Err(ServiceError::Invalid(errors)) => {
            let outcome = Outcome {
                errors,
                failed_form: act.form(),
                reason: form.reason.clone(),
                ..Outcome::default()
            };
            return detail::render(
                page,
                &state,
                &admin,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                outcome,
            )
            .await;
        }
        Err(other) => return Err(other.into()),
    };
    match act.run(&state, &sudo, id, &reason).await {
        Ok(()) => {
            flash::push(&session, FlashKind::Success, act.done());
            Ok(forms::see_other(&here))
        }
        Err(
            error @ (ServiceError::Refused(_)
            | ServiceError::Conflict(_)
            | ServiceError::NotAllowed(_)),
        ) => {
            let status = match error {
                ServiceError::Conflict(_) => StatusCode::CONFLICT,
                ServiceError::NotAllowed(_) => StatusCode::FORBIDDEN,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let outcome = Outcome {
                problem: Some(error.to_string()),
                failed_form: act.form(),
                reason: form.reason.clone(),
                ..Outcome::default()
            };
            detail::render(page, &state, &admin, id, status, outcome).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn suspend(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    act(
        Act::Suspend,
        actor,
        page,
        session,
        state,
        id.into_inner(),
        &form,
    )
    .await
}

pub async fn unsuspend(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    act(
        Act::Unsuspend,
        actor,
        page,
        session,
        state,
        id.into_inner(),
        &form,
    )
    .await
}

pub async fn verify_email(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    act(
        Act::VerifyEmail,
        actor,
        page,
        session,
        state,
        id.into_inner(),
        &form,
    )
    .await
}

pub async fn send_password_reset(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    act(
        Act::SendReset,
        actor,
        page,
        session,
        state,
        id.into_inner(),
        &form,
    )
    .await
}

pub async fn change_role(
    actor: Actor,
    page: PageContext,
    session: Session,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    form: web::Form<ActionForm>,
) -> AppResult<HttpResponse> {
    let Some(change) = RoleChange::parse(&form.change) else {
        admin_of(&actor)?;
        return Err(crate::errors::AppError::BadRequest(
            "Choose a role change.".into(),
        ));
    };
    act(
        Act::Role(change),
        actor,
        page,
        session,
        state,
        id.into_inner(),
        &form,
    )
    .await
}

//! Signing in and out from a resolver. The cookie session lives in the request (`HttpRequest`,
//! `Session`), which cannot travel into the executor (its data must be `Send`), so a resolver
//! asks the HTTP handler through a [`SessionDesk`]: the handler serves the desk while the
//! document runs ([`serve_while`]) and does what the other doors do, with their own code
//! ([`start_session`]: a new session id, a new CSRF token, the device details; [`end_session`]).

use actix_session::Session;
use actix_web::{FromRequest, HttpRequest};
use tokio::sync::{mpsc, oneshot};

use super::errors::service as service_error;
use crate::{
    accounts::signin::{end_session, start_session},
    service::{ServiceError, UserId},
};

/// A change of the request's session asked by a resolver.
enum Change {
    /// Sign this user in; the answer is the session's new CSRF token.
    Start(UserId),
    /// End the session.
    End,
}

type Answer = Result<Option<String>, ServiceError>;

/// The request data through which resolvers change the session.
pub struct SessionDesk {
    requests: mpsc::UnboundedSender<(Change, oneshot::Sender<Answer>)>,
}

/// What the handler serves: the requests of one GraphQL request's resolvers.
pub struct Requests(mpsc::UnboundedReceiver<(Change, oneshot::Sender<Answer>)>);

impl SessionDesk {
    pub fn new() -> (SessionDesk, Requests) {
        let (requests, received) = mpsc::unbounded_channel();
        (SessionDesk { requests }, Requests(received))
    }

    async fn ask(&self, change: Change) -> async_graphql::Result<Option<String>> {
        let (reply, answer) = oneshot::channel();
        let gone = || {
            service_error(ServiceError::internal(anyhow::anyhow!(
                "the session desk is closed"
            )))
        };
        self.requests.send((change, reply)).map_err(|_| gone())?;
        answer.await.map_err(|_| gone())?.map_err(service_error)
    }

    /// Signs `user` in on this request's session; the session's new CSRF token.
    pub async fn start(&self, user: UserId) -> async_graphql::Result<String> {
        self.ask(Change::Start(user)).await?.ok_or_else(|| {
            service_error(ServiceError::internal(anyhow::anyhow!(
                "no CSRF token for the new session"
            )))
        })
    }

    /// Ends this request's session.
    pub async fn end(&self) -> async_graphql::Result<()> {
        self.ask(Change::End).await.map(|_| ())
    }
}

/// Runs `execution` to its end, serving the session changes its resolvers ask for meanwhile.
pub async fn serve_while<T>(
    req: &HttpRequest,
    session: &Session,
    Requests(mut requests): Requests,
    execution: impl Future<Output = T>,
) -> T {
    let mut execution = std::pin::pin!(execution);
    loop {
        tokio::select! {
            done = &mut execution => return done,
            Some((change, reply)) = requests.recv() => {
                // The resolver may be gone (a timeout): then nobody waits for the answer.
                let _ = reply.send(apply(req, session, change));
            }
        }
    }
}

fn apply(req: &HttpRequest, session: &Session, change: Change) -> Answer {
    match change {
        Change::Start(user) => start_session(req, session, user)
            .map(Some)
            .map_err(|error| ServiceError::internal(anyhow::anyhow!("{error}"))),
        Change::End => {
            let identity = actix_identity::Identity::extract(req).into_inner().ok();
            end_session(identity, session);
            Ok(None)
        }
    }
}

/// The request's session desk.
pub fn desk<'a>(ctx: &async_graphql::Context<'a>) -> &'a SessionDesk {
    ctx.data_unchecked::<SessionDesk>()
}

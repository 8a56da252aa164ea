//! AdminRespondToAuthChallenge.

use cognate_model::shapes::{
    AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse, ChallengeNameType,
};

use super::flows::{self, Outcome};
use crate::ops::users::{client, client_not_found};
use crate::{messages, Error, Services};

/// Answers a challenge from a trusted back end.
pub async fn admin_respond_to_auth_challenge(
    svc: &Services,
    input: AdminRespondToAuthChallengeRequest,
) -> Result<AdminRespondToAuthChallengeResponse, Error> {
    let ctx = client(svc, &input.client_id, client_not_found).await?;
    if ctx.pool_id != input.user_pool_id {
        return Err(messages::user_pool_client_not_found(&input.client_id));
    }
    let responses = input.challenge_responses.unwrap_or_default();
    let outcome = match input.challenge_name {
        ChallengeNameType::PasswordVerifier => flows::srp_verify(svc, &ctx, &responses).await?,
        ChallengeNameType::NewPasswordRequired => {
            flows::new_password_answer(svc, &ctx, input.session.as_deref(), &responses).await?
        }
        other => return Err(Error::invalid_parameter(format!("{other} is not supported by cognate yet."))),
    };
    Ok(response(outcome))
}

fn response(o: Outcome) -> AdminRespondToAuthChallengeResponse {
    AdminRespondToAuthChallengeResponse {
        challenge_name: o.challenge_name,
        session: o.session,
        challenge_parameters: Some(o.challenge_parameters),
        authentication_result: o.authentication_result,
        available_challenges: None,
    }
}

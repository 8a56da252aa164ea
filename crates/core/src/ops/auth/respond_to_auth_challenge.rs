//! RespondToAuthChallenge.

use cognate_model::shapes::{ChallengeNameType, RespondToAuthChallengeRequest, RespondToAuthChallengeResponse};

use super::flows::{self, Outcome};
use crate::ops::users::{client, client_not_found};
use crate::{Error, Services};

/// Answers a challenge: the SRP password verifier or a new password.
pub async fn respond_to_auth_challenge(
    svc: &Services,
    input: RespondToAuthChallengeRequest,
) -> Result<RespondToAuthChallengeResponse, Error> {
    let ctx = client(svc, &input.client_id, client_not_found).await?;
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

fn response(o: Outcome) -> RespondToAuthChallengeResponse {
    RespondToAuthChallengeResponse {
        challenge_name: o.challenge_name,
        session: o.session,
        challenge_parameters: Some(o.challenge_parameters),
        authentication_result: o.authentication_result,
        available_challenges: None,
    }
}

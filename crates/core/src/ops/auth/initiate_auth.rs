//! InitiateAuth.

use cognate_model::shapes::{AuthFlowType, ExplicitAuthFlowsType as F, InitiateAuthRequest, InitiateAuthResponse};

use super::flows::{self, allows, Outcome};
use crate::ops::users::{client, client_not_found};
use crate::{Error, Services};

/// Starts a sign-in from a public client.
pub async fn initiate_auth(svc: &Services, input: InitiateAuthRequest) -> Result<InitiateAuthResponse, Error> {
    let ctx = client(svc, &input.client_id, client_not_found).await?;
    let params = input.auth_parameters.unwrap_or_default();
    let outcome = match input.auth_flow {
        AuthFlowType::UserPasswordAuth => {
            if !allows(&ctx, &[F::AllowUserPasswordAuth, F::UserPasswordAuth]) {
                return Err(Error::invalid_parameter("USER_PASSWORD_AUTH flow not enabled for this client"));
            }
            flows::password(svc, &ctx, &params).await?
        }
        AuthFlowType::UserSrpAuth => {
            if !allows(&ctx, &[F::AllowUserSrpAuth]) {
                return Err(Error::invalid_parameter("USER_SRP_AUTH is not enabled for the client."));
            }
            flows::srp_start(svc, &ctx, &params).await?
        }
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
            if !allows(&ctx, &[F::AllowRefreshTokenAuth]) {
                return Err(Error::invalid_parameter("REFRESH_TOKEN_AUTH flow not enabled for this client"));
            }
            flows::refresh(svc, &ctx, &params).await?
        }
        AuthFlowType::AdminNoSrpAuth | AuthFlowType::AdminUserPasswordAuth => {
            return Err(Error::invalid_parameter(format!(
                "Initiate Auth method not supported: {} is an admin flow (use AdminInitiateAuth).",
                input.auth_flow
            )));
        }
        other => {
            return Err(Error::invalid_parameter(format!("{other} is not supported by cognate yet.")));
        }
    };
    Ok(response(outcome))
}

fn response(o: Outcome) -> InitiateAuthResponse {
    InitiateAuthResponse {
        challenge_name: o.challenge_name,
        session: o.session,
        challenge_parameters: Some(o.challenge_parameters),
        authentication_result: o.authentication_result,
        available_challenges: None,
    }
}

//! AdminInitiateAuth.

use cognate_model::shapes::{
    AdminInitiateAuthRequest, AdminInitiateAuthResponse, AuthFlowType, ExplicitAuthFlowsType as F,
};

use super::flows::{self, allows, Outcome};
use crate::ops::users::{client, client_not_found};
use crate::{messages, Error, Services};

/// Starts a sign-in from a trusted back end.
pub async fn admin_initiate_auth(
    svc: &Services,
    input: AdminInitiateAuthRequest,
) -> Result<AdminInitiateAuthResponse, Error> {
    let ctx = client(svc, &input.client_id, client_not_found).await?;
    if ctx.pool_id != input.user_pool_id {
        crate::ops::user_pools::load(svc, &input.user_pool_id).await?;
        return Err(messages::user_pool_client_not_found(&input.client_id));
    }
    let params = input.auth_parameters.unwrap_or_default();
    let not_enabled = || Error::invalid_parameter("Auth flow not enabled for this client");
    let outcome = match input.auth_flow {
        AuthFlowType::AdminUserPasswordAuth | AuthFlowType::AdminNoSrpAuth => {
            if !allows(&ctx, &[F::AllowAdminUserPasswordAuth, F::AdminNoSrpAuth]) {
                return Err(not_enabled());
            }
            flows::password(svc, &ctx, &params).await?
        }
        AuthFlowType::UserSrpAuth => {
            if !allows(&ctx, &[F::AllowUserSrpAuth]) {
                return Err(not_enabled());
            }
            flows::srp_start(svc, &ctx, &params).await?
        }
        AuthFlowType::RefreshTokenAuth | AuthFlowType::RefreshToken => {
            if !allows(&ctx, &[F::AllowRefreshTokenAuth]) {
                return Err(not_enabled());
            }
            flows::refresh(svc, &ctx, &params).await?
        }
        other => return Err(Error::invalid_parameter(format!("{other} is not supported by cognate yet."))),
    };
    Ok(response(outcome))
}

fn response(o: Outcome) -> AdminInitiateAuthResponse {
    AdminInitiateAuthResponse {
        challenge_name: o.challenge_name,
        session: o.session,
        challenge_parameters: Some(o.challenge_parameters),
        authentication_result: o.authentication_result,
        available_challenges: None,
    }
}

//! The settings CreateUserPoolClient and UpdateUserPoolClient share, the defaults the service
//! fills in, and the rules between them. An update starts again from the defaults for every
//! setting it is not given, as the real service does.

use cognate_model::shapes::*;

use crate::error::{Error, Result};

/// The mutable settings of an app client.
#[derive(Debug, Default, Clone)]
pub(crate) struct ClientSettings {
    pub refresh_token_validity: Option<i32>,
    pub access_token_validity: Option<i32>,
    pub id_token_validity: Option<i32>,
    pub token_validity_units: Option<TokenValidityUnitsType>,
    pub read_attributes: Option<Vec<String>>,
    pub write_attributes: Option<Vec<String>>,
    pub explicit_auth_flows: Option<Vec<ExplicitAuthFlowsType>>,
    pub supported_identity_providers: Option<Vec<String>>,
    pub callback_urls: Option<Vec<String>>,
    pub logout_urls: Option<Vec<String>>,
    pub default_redirect_uri: Option<String>,
    pub allowed_oauth_flows: Option<Vec<OAuthFlowType>>,
    pub allowed_oauth_scopes: Option<Vec<String>>,
    pub allowed_oauth_flows_user_pool_client: Option<bool>,
    pub analytics_configuration: Option<AnalyticsConfigurationType>,
    pub prevent_user_existence_errors: Option<PreventUserExistenceErrorTypes>,
    pub enable_token_revocation: Option<bool>,
    pub enable_propagate_additional_user_context_data: Option<bool>,
    pub auth_session_validity: Option<i32>,
    pub refresh_token_rotation: Option<RefreshTokenRotationType>,
}

/// Seconds in one unit.
fn unit_seconds(unit: Option<TimeUnitsType>, default: TimeUnitsType) -> i64 {
    match unit.unwrap_or(default) {
        TimeUnitsType::Seconds => 1,
        TimeUnitsType::Minutes => 60,
        TimeUnitsType::Hours => 3600,
        TimeUnitsType::Days => 86_400,
    }
}

/// Checks a token validity against the service's range for that token, in its unit.
fn check_validity(
    value: Option<i32>,
    unit: Option<TimeUnitsType>,
    default: TimeUnitsType,
    min: i64,
    max: i64,
) -> Result<()> {
    if let Some(v) = value {
        let seconds = i64::from(v) * unit_seconds(unit, default);
        if seconds < min || seconds > max {
            // AWS: "Invalid range for token validity."
            return Err(Error::invalid_parameter("Invalid range for token validity."));
        }
    }
    Ok(())
}

/// Flows of the legacy form (without `ALLOW_`) cannot be mixed with the `ALLOW_` form.
fn check_flows(flows: &[ExplicitAuthFlowsType]) -> Result<()> {
    let is_new = |f: &ExplicitAuthFlowsType| f.as_str().starts_with("ALLOW_");
    if flows.iter().any(is_new) && !flows.iter().all(is_new) {
        // AWS: exact text not captured.
        return Err(Error::invalid_parameter(
            "ExplicitAuthFlows cannot mix legacy flow names with ALLOW_ prefixed flow names.",
        ));
    }
    Ok(())
}

/// Read and write attributes must name attributes of the pool.
fn check_attributes(names: Option<&Vec<String>>, schema: &[SchemaAttributeType], which: &str) -> Result<()> {
    for name in names.into_iter().flatten() {
        if !schema.iter().any(|a| a.name.as_deref() == Some(name.as_str())) {
            // AWS: "Invalid write attributes specified while creating a client"
            return Err(Error::invalid_parameter(format!(
                "Invalid {which} attributes specified while creating a client"
            )));
        }
    }
    Ok(())
}

/// Writes `s` into `client`, filling in the defaults, after checking it against the pool.
pub(crate) fn apply(client: &mut UserPoolClientType, s: ClientSettings, pool: &UserPoolType) -> Result<()> {
    let units = s.token_validity_units.clone().unwrap_or_default();
    check_validity(s.access_token_validity, units.access_token, TimeUnitsType::Hours, 300, 86_400)?;
    check_validity(s.id_token_validity, units.id_token, TimeUnitsType::Hours, 300, 86_400)?;
    if s.refresh_token_validity != Some(0) {
        check_validity(s.refresh_token_validity, units.refresh_token, TimeUnitsType::Days, 3_600, 315_360_000)?;
    }
    check_flows(s.explicit_auth_flows.as_deref().unwrap_or_default())?;
    let schema = pool.schema_attributes.as_deref().unwrap_or_default();
    check_attributes(s.read_attributes.as_ref(), schema, "read")?;
    check_attributes(s.write_attributes.as_ref(), schema, "write")?;
    if s.allowed_oauth_flows_user_pool_client == Some(true) && s.allowed_oauth_flows.as_ref().is_none_or(Vec::is_empty)
    {
        // AWS: exact text not captured.
        return Err(Error::invalid_parameter(
            "AllowedOAuthFlows are required when AllowedOAuthFlowsUserPoolClient is true.",
        ));
    }

    // A refresh validity of 0 means the default, 30 days.
    client.refresh_token_validity = Some(match s.refresh_token_validity {
        None | Some(0) => 30,
        Some(v) => v,
    });
    client.access_token_validity = s.access_token_validity;
    client.id_token_validity = s.id_token_validity;
    client.token_validity_units = Some(units);
    client.read_attributes = s.read_attributes;
    client.write_attributes = s.write_attributes;
    client.explicit_auth_flows = s.explicit_auth_flows;
    client.supported_identity_providers = s.supported_identity_providers;
    client.callback_urls = s.callback_urls;
    client.logout_urls = s.logout_urls;
    client.default_redirect_uri = s.default_redirect_uri;
    client.allowed_oauth_flows = s.allowed_oauth_flows;
    client.allowed_oauth_scopes = s.allowed_oauth_scopes;
    client.allowed_oauth_flows_user_pool_client = Some(s.allowed_oauth_flows_user_pool_client.unwrap_or(false));
    client.analytics_configuration = s.analytics_configuration;
    client.prevent_user_existence_errors = s.prevent_user_existence_errors;
    client.enable_token_revocation = Some(s.enable_token_revocation.unwrap_or(true));
    client.enable_propagate_additional_user_context_data =
        Some(s.enable_propagate_additional_user_context_data.unwrap_or(false));
    client.auth_session_validity = Some(s.auth_session_validity.unwrap_or(3));
    client.refresh_token_rotation = s.refresh_token_rotation;
    Ok(())
}

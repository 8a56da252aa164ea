//! `Cognito`: the service behind the generated `CognitoIdp` trait. Each method delegates to
//! its operation in `ops`; operations not listed here answer "not implemented".

use std::sync::Arc;

use cognate_model::shapes::*;
use cognate_model::{CognitoIdp, Operation, RequestContext};

use crate::error::{Error, Result};
use crate::ops;
use crate::ports::{Clock, Rng, Store};

/// Settings the service itself needs.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The region, used in pool ids and ARNs.
    pub region: String,
    /// The account id used in ARNs.
    pub account_id: String,
    /// Token issuers are `{issuer_base}/{pool id}`.
    pub issuer_base: String,
    /// Per-user hourly limits.
    pub limits: Limits,
    /// Which delivery channels exist.
    pub channels: Channels,
}

/// The delivery channels configured, and whether a medium without one is an error (production)
/// or goes to the console (development).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Channels {
    /// Email can be delivered (SMTP).
    pub email: bool,
    /// SMS can be delivered (webhook).
    pub sms: bool,
    /// Refuse to send on a medium without a channel (`CodeDeliveryFailureException`).
    pub required: bool,
}

/// A number of calls allowed per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Calls allowed in a window.
    pub max: u32,
    /// The window, in milliseconds.
    pub window_millis: i64,
}

/// The per-user limits the service enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// GetUserAttributeVerificationCode: 5 per user per hour.
    pub get_code: Limit,
    /// VerifyUserAttribute: 15 per user per hour.
    pub verify: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            get_code: Limit { max: 5, window_millis: 3_600_000 },
            verify: Limit { max: 15, window_millis: 3_600_000 },
        }
    }
}

/// The ports and settings operations run with.
#[derive(Clone)]
pub struct Services {
    /// Durable state.
    pub store: Arc<dyn Store>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// Randomness.
    pub rng: Arc<dyn Rng>,
    /// Settings.
    pub config: Arc<ServiceConfig>,
    /// Seals the secrets stored in the database with the key-encryption key.
    pub vault: Arc<crate::vault::Vault>,
    /// The installation's code key, once read from the store (it never changes).
    pub code_key: Arc<std::sync::OnceLock<Vec<u8>>>,
    /// Parsed signing keys per pool (keys never change; new ones are added by rotation).
    pub keys: Arc<crate::tokens::KeyCache>,
    /// Access tokens already verified, so that a token used again skips the RSA check.
    pub verified: Arc<crate::tokens::VerifiedTokens>,
    /// Parsed pools, kept for at most a second (see `ops::user_pools::cache`).
    pub pools: Arc<crate::ops::user_pools::cache::PoolCache>,
    /// Where the SRP big-number work runs.
    pub compute: Arc<dyn crate::ports::compute::Compute>,
    /// Invokes the pools' Lambda triggers.
    pub triggers: Arc<dyn crate::ports::triggers::TriggerInvoker>,
}

/// The Cognito user pools service.
#[derive(Clone)]
pub struct Cognito {
    services: Services,
}

impl Cognito {
    /// The operations implemented so far (the rest answer `UnsupportedOperationException`).
    pub const IMPLEMENTED: &'static [Operation] = &[
        Operation::AddCustomAttributes,
        Operation::AdminAddUserToGroup,
        Operation::AdminConfirmSignUp,
        Operation::AdminCreateUser,
        Operation::AdminDeleteUser,
        Operation::AdminDeleteUserAttributes,
        Operation::AdminDisableUser,
        Operation::AdminEnableUser,
        Operation::AdminGetUser,
        Operation::AdminInitiateAuth,
        Operation::AdminListGroupsForUser,
        Operation::AdminRemoveUserFromGroup,
        Operation::AdminResetUserPassword,
        Operation::AdminRespondToAuthChallenge,
        Operation::AdminSetUserPassword,
        Operation::AdminUpdateUserAttributes,
        Operation::AdminUserGlobalSignOut,
        Operation::ChangePassword,
        Operation::ConfirmForgotPassword,
        Operation::ConfirmSignUp,
        Operation::CreateGroup,
        Operation::CreateUserPool,
        Operation::CreateUserPoolClient,
        Operation::DeleteGroup,
        Operation::DeleteUser,
        Operation::DeleteUserAttributes,
        Operation::DeleteUserPool,
        Operation::DeleteUserPoolClient,
        Operation::DescribeUserPool,
        Operation::DescribeUserPoolClient,
        Operation::ForgotPassword,
        Operation::GetGroup,
        Operation::GetTokensFromRefreshToken,
        Operation::GetUser,
        Operation::GetUserAttributeVerificationCode,
        Operation::GlobalSignOut,
        Operation::InitiateAuth,
        Operation::ListGroups,
        Operation::ListUserPoolClients,
        Operation::ListUserPools,
        Operation::ListUsers,
        Operation::ListUsersInGroup,
        Operation::ResendConfirmationCode,
        Operation::RespondToAuthChallenge,
        Operation::RevokeToken,
        Operation::SignUp,
        Operation::UpdateGroup,
        Operation::UpdateUserAttributes,
        Operation::UpdateUserPool,
        Operation::UpdateUserPoolClient,
        Operation::VerifyUserAttribute,
    ];

    /// The service over the given ports.
    pub fn new(services: Services) -> Self {
        Self { services }
    }

    /// The ports the service runs with.
    pub fn services(&self) -> &Services {
        &self.services
    }
}

impl CognitoIdp for Cognito {
    type Error = Error;

    async fn create_user_pool(
        &self,
        _: &RequestContext,
        input: CreateUserPoolRequest,
    ) -> Result<CreateUserPoolResponse> {
        ops::user_pools::create_user_pool(&self.services, input).await
    }

    async fn describe_user_pool(
        &self,
        _: &RequestContext,
        input: DescribeUserPoolRequest,
    ) -> Result<DescribeUserPoolResponse> {
        ops::user_pools::describe_user_pool(&self.services, input).await
    }

    async fn update_user_pool(
        &self,
        _: &RequestContext,
        input: UpdateUserPoolRequest,
    ) -> Result<UpdateUserPoolResponse> {
        ops::user_pools::update_user_pool(&self.services, input).await
    }

    async fn delete_user_pool(&self, _: &RequestContext, input: DeleteUserPoolRequest) -> Result<()> {
        ops::user_pools::delete_user_pool(&self.services, input).await
    }

    async fn list_user_pools(&self, _: &RequestContext, input: ListUserPoolsRequest) -> Result<ListUserPoolsResponse> {
        ops::user_pools::list_user_pools(&self.services, input).await
    }

    async fn add_custom_attributes(
        &self,
        _: &RequestContext,
        input: AddCustomAttributesRequest,
    ) -> Result<AddCustomAttributesResponse> {
        ops::user_pools::add_custom_attributes(&self.services, input).await
    }

    async fn create_user_pool_client(
        &self,
        _: &RequestContext,
        input: CreateUserPoolClientRequest,
    ) -> Result<CreateUserPoolClientResponse> {
        ops::clients::create_user_pool_client(&self.services, input).await
    }

    async fn describe_user_pool_client(
        &self,
        _: &RequestContext,
        input: DescribeUserPoolClientRequest,
    ) -> Result<DescribeUserPoolClientResponse> {
        ops::clients::describe_user_pool_client(&self.services, input).await
    }

    async fn update_user_pool_client(
        &self,
        _: &RequestContext,
        input: UpdateUserPoolClientRequest,
    ) -> Result<UpdateUserPoolClientResponse> {
        ops::clients::update_user_pool_client(&self.services, input).await
    }

    async fn delete_user_pool_client(&self, _: &RequestContext, input: DeleteUserPoolClientRequest) -> Result<()> {
        ops::clients::delete_user_pool_client(&self.services, input).await
    }

    async fn list_user_pool_clients(
        &self,
        _: &RequestContext,
        input: ListUserPoolClientsRequest,
    ) -> Result<ListUserPoolClientsResponse> {
        ops::clients::list_user_pool_clients(&self.services, input).await
    }

    async fn sign_up(&self, _: &RequestContext, input: SignUpRequest) -> Result<SignUpResponse> {
        ops::users::sign_up(&self.services, input).await
    }

    async fn confirm_sign_up(&self, _: &RequestContext, input: ConfirmSignUpRequest) -> Result<ConfirmSignUpResponse> {
        ops::users::confirm_sign_up(&self.services, input).await
    }

    async fn resend_confirmation_code(
        &self,
        _: &RequestContext,
        input: ResendConfirmationCodeRequest,
    ) -> Result<ResendConfirmationCodeResponse> {
        ops::users::resend_confirmation_code(&self.services, input).await
    }

    async fn admin_create_user(
        &self,
        _: &RequestContext,
        input: AdminCreateUserRequest,
    ) -> Result<AdminCreateUserResponse> {
        ops::users::admin_create_user(&self.services, input).await
    }

    async fn admin_get_user(&self, _: &RequestContext, input: AdminGetUserRequest) -> Result<AdminGetUserResponse> {
        ops::users::admin_get_user(&self.services, input).await
    }

    async fn admin_delete_user(&self, _: &RequestContext, input: AdminDeleteUserRequest) -> Result<()> {
        ops::users::admin_delete_user(&self.services, input).await
    }

    async fn admin_confirm_sign_up(
        &self,
        _: &RequestContext,
        input: AdminConfirmSignUpRequest,
    ) -> Result<AdminConfirmSignUpResponse> {
        ops::users::admin_confirm_sign_up(&self.services, input).await
    }

    async fn admin_set_user_password(
        &self,
        _: &RequestContext,
        input: AdminSetUserPasswordRequest,
    ) -> Result<AdminSetUserPasswordResponse> {
        ops::users::admin_set_user_password(&self.services, input).await
    }

    async fn admin_disable_user(
        &self,
        _: &RequestContext,
        input: AdminDisableUserRequest,
    ) -> Result<AdminDisableUserResponse> {
        ops::users::admin_disable_user(&self.services, input).await
    }

    async fn admin_enable_user(
        &self,
        _: &RequestContext,
        input: AdminEnableUserRequest,
    ) -> Result<AdminEnableUserResponse> {
        ops::users::admin_enable_user(&self.services, input).await
    }

    async fn list_users(&self, _: &RequestContext, input: ListUsersRequest) -> Result<ListUsersResponse> {
        ops::users::list_users(&self.services, input).await
    }

    async fn get_user(&self, _: &RequestContext, input: GetUserRequest) -> Result<GetUserResponse> {
        ops::users::get_user(&self.services, input).await
    }

    async fn delete_user(&self, _: &RequestContext, input: DeleteUserRequest) -> Result<()> {
        ops::users::delete_user(&self.services, input).await
    }

    async fn global_sign_out(&self, _: &RequestContext, input: GlobalSignOutRequest) -> Result<GlobalSignOutResponse> {
        ops::users::global_sign_out(&self.services, input).await
    }

    async fn initiate_auth(&self, _: &RequestContext, input: InitiateAuthRequest) -> Result<InitiateAuthResponse> {
        ops::auth::initiate_auth(&self.services, input).await
    }

    async fn admin_initiate_auth(
        &self,
        _: &RequestContext,
        input: AdminInitiateAuthRequest,
    ) -> Result<AdminInitiateAuthResponse> {
        ops::auth::admin_initiate_auth(&self.services, input).await
    }

    async fn respond_to_auth_challenge(
        &self,
        _: &RequestContext,
        input: RespondToAuthChallengeRequest,
    ) -> Result<RespondToAuthChallengeResponse> {
        ops::auth::respond_to_auth_challenge(&self.services, input).await
    }

    async fn admin_respond_to_auth_challenge(
        &self,
        _: &RequestContext,
        input: AdminRespondToAuthChallengeRequest,
    ) -> Result<AdminRespondToAuthChallengeResponse> {
        ops::auth::admin_respond_to_auth_challenge(&self.services, input).await
    }

    async fn change_password(
        &self,
        _: &RequestContext,
        input: ChangePasswordRequest,
    ) -> Result<ChangePasswordResponse> {
        ops::users::change_password(&self.services, input).await
    }

    async fn forgot_password(
        &self,
        _: &RequestContext,
        input: ForgotPasswordRequest,
    ) -> Result<ForgotPasswordResponse> {
        ops::users::forgot_password(&self.services, input).await
    }

    async fn confirm_forgot_password(
        &self,
        _: &RequestContext,
        input: ConfirmForgotPasswordRequest,
    ) -> Result<ConfirmForgotPasswordResponse> {
        ops::users::confirm_forgot_password(&self.services, input).await
    }

    async fn admin_reset_user_password(
        &self,
        _: &RequestContext,
        input: AdminResetUserPasswordRequest,
    ) -> Result<AdminResetUserPasswordResponse> {
        ops::users::admin_reset_user_password(&self.services, input).await
    }

    async fn admin_user_global_sign_out(
        &self,
        _: &RequestContext,
        input: AdminUserGlobalSignOutRequest,
    ) -> Result<AdminUserGlobalSignOutResponse> {
        ops::users::admin_user_global_sign_out(&self.services, input).await
    }

    async fn revoke_token(&self, _: &RequestContext, input: RevokeTokenRequest) -> Result<RevokeTokenResponse> {
        ops::auth::revoke_token(&self.services, input).await
    }

    async fn create_group(&self, _: &RequestContext, input: CreateGroupRequest) -> Result<CreateGroupResponse> {
        ops::groups::create_group(&self.services, input).await
    }

    async fn get_group(&self, _: &RequestContext, input: GetGroupRequest) -> Result<GetGroupResponse> {
        ops::groups::get_group(&self.services, input).await
    }

    async fn update_group(&self, _: &RequestContext, input: UpdateGroupRequest) -> Result<UpdateGroupResponse> {
        ops::groups::update_group(&self.services, input).await
    }

    async fn delete_group(&self, _: &RequestContext, input: DeleteGroupRequest) -> Result<()> {
        ops::groups::delete_group(&self.services, input).await
    }

    async fn list_groups(&self, _: &RequestContext, input: ListGroupsRequest) -> Result<ListGroupsResponse> {
        ops::groups::list_groups(&self.services, input).await
    }

    async fn admin_add_user_to_group(&self, _: &RequestContext, input: AdminAddUserToGroupRequest) -> Result<()> {
        ops::groups::admin_add_user_to_group(&self.services, input).await
    }

    async fn admin_remove_user_from_group(
        &self,
        _: &RequestContext,
        input: AdminRemoveUserFromGroupRequest,
    ) -> Result<()> {
        ops::groups::admin_remove_user_from_group(&self.services, input).await
    }

    async fn admin_list_groups_for_user(
        &self,
        _: &RequestContext,
        input: AdminListGroupsForUserRequest,
    ) -> Result<AdminListGroupsForUserResponse> {
        ops::groups::admin_list_groups_for_user(&self.services, input).await
    }

    async fn list_users_in_group(
        &self,
        _: &RequestContext,
        input: ListUsersInGroupRequest,
    ) -> Result<ListUsersInGroupResponse> {
        ops::groups::list_users_in_group(&self.services, input).await
    }

    async fn get_tokens_from_refresh_token(
        &self,
        _: &RequestContext,
        input: GetTokensFromRefreshTokenRequest,
    ) -> Result<GetTokensFromRefreshTokenResponse> {
        ops::auth::get_tokens_from_refresh_token(&self.services, input).await
    }

    async fn admin_update_user_attributes(
        &self,
        _: &RequestContext,
        input: AdminUpdateUserAttributesRequest,
    ) -> Result<AdminUpdateUserAttributesResponse> {
        ops::users::admin_update_user_attributes(&self.services, input).await
    }

    async fn admin_delete_user_attributes(
        &self,
        _: &RequestContext,
        input: AdminDeleteUserAttributesRequest,
    ) -> Result<AdminDeleteUserAttributesResponse> {
        ops::users::admin_delete_user_attributes(&self.services, input).await
    }

    async fn get_user_attribute_verification_code(
        &self,
        _: &RequestContext,
        input: GetUserAttributeVerificationCodeRequest,
    ) -> Result<GetUserAttributeVerificationCodeResponse> {
        ops::attributes::get_user_attribute_verification_code(&self.services, input).await
    }

    async fn verify_user_attribute(
        &self,
        _: &RequestContext,
        input: VerifyUserAttributeRequest,
    ) -> Result<VerifyUserAttributeResponse> {
        ops::attributes::verify_user_attribute(&self.services, input).await
    }

    async fn update_user_attributes(
        &self,
        _: &RequestContext,
        input: UpdateUserAttributesRequest,
    ) -> Result<UpdateUserAttributesResponse> {
        ops::attributes::update_user_attributes(&self.services, input).await
    }

    async fn delete_user_attributes(
        &self,
        _: &RequestContext,
        input: DeleteUserAttributesRequest,
    ) -> Result<DeleteUserAttributesResponse> {
        ops::attributes::delete_user_attributes(&self.services, input).await
    }
}

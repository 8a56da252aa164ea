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
        Operation::CreateUserPool,
        Operation::CreateUserPoolClient,
        Operation::DeleteUserPool,
        Operation::DeleteUserPoolClient,
        Operation::DescribeUserPool,
        Operation::DescribeUserPoolClient,
        Operation::ListUserPoolClients,
        Operation::ListUserPools,
        Operation::UpdateUserPool,
        Operation::UpdateUserPoolClient,
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
}

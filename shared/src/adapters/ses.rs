//! Email through Amazon SES (v2), from the tenant's `from_email`.

use async_trait::async_trait;
use aws_config::SdkConfig;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::error::DisplayErrorContext;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};

use super::aws_sdk::OnFirstUse;
use crate::domain::messages::OutgoingEmail;
use crate::ports::{DeliveryError, Mailer};

pub struct SesMailer {
    client: OnFirstUse<Client>,
}

impl SesMailer {
    pub fn new(client: Client) -> Self {
        Self { client: OnFirstUse::ready(client) }
    }

    /// The deployed functions' mailer: its client is built with the first email.
    pub fn on_first_use(sdk_config: &SdkConfig) -> Self {
        let sdk_config = sdk_config.clone();
        Self { client: OnFirstUse::new(move || Client::new(&sdk_config)) }
    }
}

fn content(text: &str) -> Result<Content, DeliveryError> {
    Content::builder().data(text).charset("UTF-8").build().map_err(|error| DeliveryError(error.to_string()))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<(), DeliveryError> {
        let body = Body::builder().text(content(&email.text)?).html(content(&email.html)?).build();
        let message = Message::builder().subject(content(&email.subject)?).body(body).build();
        self.client
            .get()
            .send_email()
            .from_email_address(email.from.as_str())
            .destination(Destination::builder().to_addresses(email.to.as_str()).build())
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await
            .map(|_| ())
            .map_err(|error| DeliveryError(DisplayErrorContext(&error).to_string()))
    }
}

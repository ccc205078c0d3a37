/**
 * notify — sending notices out of the platform, behind one `Sender` interface per channel: the
 * in-app inbox (the notice row itself, kept by src/apps/push), text messages (a file-backed stub for
 * the demo; production registers a gateway) and webhooks (signed JSON, allowed hosts only). Text
 * messages and webhook calls are deliveries: queued in the control plane, retried with backoff by a
 * ticker, given up after a number of attempts.
 */
export { CHANNELS, type Channel, type OutgoingMessage, type SendResult, type Sender } from './types.ts';
export { notifySettings, backoff, type NotifySettings } from './settings.ts';
export { SmsFileSender } from './SmsFileSender.ts';
export { WebhookSender, webhookRefusal, checkWebhookUrl, signBody } from './WebhookSender.ts';
export { senderFor, registerSmsGateway } from './senders.ts';
export { deliveries, startDeliveries, type Delivery, type DeliveryInput, type DeliveryStatus } from './deliveries.ts';

import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Ctx, callerOf, IdParams, Literals, Page, Uuid } from '../../kernel/index.ts';
import { startDeliveries } from '../notify/index.ts';
import { inbox } from './inbox.ts';
import { CHECK_MAX, PUSH_PAGE_MAX, pushNotices } from './service.ts';
import { OUTCOMES, STATUSES } from './store.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Ref = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() });
const Channel = Literals(['inbox', 'sms', 'webhook'] as const);
const Outcome = Nullable(Literals(OUTCOMES));
const Notice = Type.Object({
  id: Type.String(), rule: Ref, department: Ref, subjectKind: Literals(['person', 'enterprise'] as const), status: Literals(STATUSES), outcome: Outcome,
  channel: Channel, grantWithoutApplication: Type.Boolean({ description: '免申即享 / granted without application on approval' }),
  title: Type.String(), body: Type.String(),
  evidence: Type.Record(Type.String(), Type.Unknown(), { description: '规则读到的行（已脱敏）/ the row the rule read, masked' }),
  versions: Type.Record(Type.String(), Type.Integer()),
  checkedBy: Nullable(Type.String()), checkedAt: Nullable(Type.String()), reason: Nullable(Type.String()),
  sentAt: Nullable(Type.String()), readAt: Nullable(Type.String()), respondedAt: Nullable(Type.String()), responseNote: Nullable(Type.String()), createdAt: Type.String(),
});
const Delivery = Type.Object({
  id: Type.String(), channel: Literals(['sms', 'webhook'] as const), status: Literals(['pending', 'sent', 'failed'] as const), attempts: Type.Integer(), maxAttempts: Type.Integer(),
  nextAt: Nullable(Type.String()), lastStatus: Nullable(Type.Integer()), lastError: Nullable(Type.String()), createdAt: Type.String(), sentAt: Nullable(Type.String()),
});
const NoticeDetail = Type.Intersect([Notice, Type.Object({ deliveries: Type.Array(Delivery) })]);
const CheckBody = Type.Object({
  ids: Type.Array(Uuid, { minItems: 1, maxItems: CHECK_MAX }),
  decision: Literals(['approve', 'reject'] as const),
  reason: Type.Optional(Type.String({ maxLength: 2000, description: '不予推送须说明理由 / required to reject' })),
}, { additionalProperties: false });
const CheckResult = Type.Object({ sent: Type.Integer(), rejected: Type.Integer(), optedOut: Type.Integer(), notices: Type.Array(Notice) });
const Stats = Type.Array(Type.Object({
  rule: Ref, department: Ref, total: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer()), byOutcome: Type.Record(Type.String(), Type.Integer()),
}));
const InboxItem = Type.Object({
  id: Type.String(), title: Type.String(), body: Type.String(),
  rule: Type.Object({ code: Type.String(), name: Type.String() }), department: Type.Object({ code: Type.String(), name: Type.String() }),
  subjectKind: Literals(['person', 'enterprise'] as const), status: Literals(['sent', 'read'] as const), outcome: Outcome,
  granted: Type.Boolean({ description: '免申即享：已直接办理 / granted without application' }),
  sentAt: Type.String(), readAt: Nullable(Type.String()), respondedAt: Nullable(Type.String()),
  actions: Type.Array(Literals(['accept', 'decline'] as const)),
});
const InboxPage = Type.Object({
  items: Type.Array(InboxItem), total: Type.Integer(), unread: Type.Integer(),
  linked: Type.Boolean({ description: '账号是否已绑定身份证号 / whether the account is linked to an ID number' }), limit: Type.Integer(), offset: Type.Integer(),
});
const OptOuts = Type.Array(Type.Object({ rule: Nullable(Ref), createdAt: Type.String() }));
const RuleBody = Type.Object({ rule: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100, description: '规则代码；不填为退订全部推送 / rule code; none: all push' }))) }, { additionalProperties: false });
const PUSH = ['push'];
const INBOX = ['inbox'];

/** Push (推): the department's candidates and second check, outcome stats; the citizen's inbox and opt-outs. */
export function pushRoutes(ctx: Ctx): FastifyPluginAsyncTypebox {
  return async (app) => {
    // text messages and webhook calls queued by approved notices (and by other modules' rules)
    const ticker = startDeliveries(ctx);
    app.addHook('onClose', async () => ticker.stop());

    app.get('/push/notices', {
      schema: {
        tags: PUSH, summary: '推送通知与待复核对象（本部门负责或所属的规则）/ notices and candidates of the rules of the caller\'s department',
        querystring: Type.Object({
          rule: Type.Optional(Type.String({ maxLength: 100, description: '规则代码或 id / rule code or id' })), status: Type.Optional(Literals(STATUSES)), outcome: Type.Optional(Literals(OUTCOMES)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: PUSH_PAGE_MAX, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })),
        }),
        response: { 200: Page(Notice) },
      },
    }, async (req) => pushNotices.list(ctx, callerOf(req), req.query));

    app.get('/push/notices/:id', {
      schema: { tags: PUSH, summary: '推送通知详情（含投递记录）/ a notice with its deliveries', params: IdParams, response: { 200: NoticeDetail } },
    }, async (req) => pushNotices.get(ctx, callerOf(req), req.params.id));

    app.post('/push/notices/check', {
      schema: { tags: PUSH, summary: '复核（批量）：同意即推送，不予推送须说明理由 / the second check in bulk: approve sends, reject needs a reason', body: CheckBody, response: { 200: CheckResult } },
    }, async (req) => pushNotices.check(ctx, callerOf(req), req.body));

    app.get('/push/stats', {
      schema: { tags: PUSH, summary: '各规则推送成效 / outcome per rule', querystring: Type.Object({ rule: Type.Optional(Type.String({ maxLength: 100 })) }), response: { 200: Stats } },
    }, async (req) => pushNotices.stats(ctx, callerOf(req), req.query));

    app.get('/inbox', {
      schema: {
        tags: INBOX, summary: '我的收件箱（公众）/ my inbox (citizens)',
        querystring: Type.Object({ unread: Type.Optional(Type.Boolean()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 })) }),
        response: { 200: InboxPage },
      },
    }, async (req) => inbox.list(ctx, callerOf(req), req.query));

    app.get('/inbox/opt-outs', {
      schema: { tags: INBOX, summary: '我的退订 / my opt-outs', response: { 200: OptOuts } },
    }, async (req) => inbox.optOuts(ctx, callerOf(req)));

    app.post('/inbox/opt-outs', {
      preValidation: async (req) => { req.body ??= {}; },
      schema: { tags: INBOX, summary: '退订一条规则或全部推送 / opt out of a rule or of all push', body: RuleBody, response: { 200: OptOuts } },
    }, async (req) => inbox.optOut(ctx, callerOf(req), req.body));

    app.delete('/inbox/opt-outs', {
      schema: { tags: INBOX, summary: '取消退订 / take an opt-out back', querystring: Type.Object({ rule: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }), response: { 200: OptOuts } },
    }, async (req) => inbox.optIn(ctx, callerOf(req), req.query));

    app.get('/inbox/:id', {
      schema: { tags: INBOX, summary: '一条通知 / one notice', params: IdParams, response: { 200: InboxItem } },
    }, async (req) => inbox.get(ctx, callerOf(req), req.params.id));

    app.post('/inbox/:id/read', {
      schema: { tags: INBOX, summary: '标为已读 / mark read', params: IdParams, response: { 200: InboxItem } },
    }, async (req) => inbox.read(ctx, callerOf(req), req.params.id));

    app.post('/inbox/:id/respond', {
      schema: {
        tags: INBOX, summary: '答复：接受或谢绝 / answer: accept or decline', params: IdParams,
        body: Type.Object({ response: Literals(['accept', 'decline'] as const), note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { 200: InboxItem },
      },
    }, async (req) => inbox.respond(ctx, callerOf(req), req.params.id, req.body));
  };
}

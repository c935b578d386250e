import type { Activity, TurnContext } from 'botbuilder';
import type { BotCloudAdapter } from './adapter';
import { ReplyCache, replyOf, type CachedReply } from './replyCache';
import { AuthenticationError, type AuthenticateRequestResult, type BotFrameworkAuthentication } from 'botframework-connector';
import type { Request, Response } from 'restify';
import type { Logger } from '../log';
import { sendError } from '../server';

/**
 * POST /api/messages after validation: authenticates the request (Bot Framework JWT, or nothing
 * with authentication off), then runs the turn and answers with its invoke or expectReplies body.
 * Every failure to authenticate is a 401 in the project's JSON error shape — also when the token
 * cannot even be checked because the OpenID metadata (the signing keys) cannot be fetched; that
 * is logged once until a token is verified again, not once per forged request.
 */
export function createBotRequestHandler(deps: {
  adapter: BotCloudAdapter;
  auth: BotFrameworkAuthentication;
  logger: Logger;
  run(context: TurnContext): Promise<void>;
  replies?: ReplyCache;
}): (req: Request, res: Response) => Promise<void> {
  let metadataFailureLogged = false;
  const replies = deps.replies ?? new ReplyCache();
  return async (req, res) => {
    // Checked by checkInboundActivity before it gets here.
    const activity = req.body as Activity;
    let authenticated: AuthenticateRequestResult;
    try {
      authenticated = await deps.auth.authenticateRequest(activity, req.header('authorization') ?? '');
      metadataFailureLogged = false;
    } catch (error) {
      if (error instanceof AuthenticationError) {
        deps.logger.warn({ reqId: req.id(), reason: error.message }, 'Bot Framework token rejected');
      } else if (!metadataFailureLogged) {
        metadataFailureLogged = true;
        deps.logger.error({ err: error }, 'Bot Framework tokens cannot be verified: the OpenID metadata or signing keys could not be fetched; answering 401');
      }
      sendError(res, 401, 'Unauthorized', 'the request has no valid Bot Framework token');
      return;
    }
    const turn = async (): Promise<CachedReply> => {
      const invokeResponse = await deps.adapter.processAuthenticated(authenticated, activity, (context) => deps.run(context));
      return replyOf(invokeResponse?.status ?? 200, invokeResponse?.body);
    };
    let reply: CachedReply | undefined;
    if (activity.deliveryMode === 'expectReplies' && activity.id) {
      // A retried activity gets the replies of its first delivery again.
      const key = ReplyCache.key(activity.channelId, activity.conversation.id, activity.id);
      const earlier = await replies.get(key);
      if (earlier) deps.logger.info({ reqId: req.id(), activityId: activity.id }, 'retried activity: replies of its first delivery sent again');
      if (earlier) reply = earlier;
      else {
        let first: CachedReply | undefined;
        // Only a successful turn's replies are kept for replay.
        await replies.run(key, async () => {
          first = await turn();
          return first.status === 200 ? first : undefined;
        });
        reply = first;
      }
    }
    reply ??= await turn();
    // Answered already (503 while the server shut down): nothing more to send.
    if (res.headersSent) return;
    // The JSON text written once for the reply cache is the body sent.
    if (reply.json !== undefined) res.sendRaw(reply.status, reply.json, { 'Content-Type': 'application/json' });
    else {
      res.status(reply.status);
      res.end();
    }
  };
}

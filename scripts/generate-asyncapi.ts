// Writes docs/asyncapi.json, the AsyncAPI 3.0 document of the agent WebSocket, generated from the message
// schemas (shared/events/agent-messages.ts). Run `npm run asyncapi` after any message change;
// test/unit/asyncapi.test.ts fails until you do.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { agentMessages, agentRequests } from '#shared/events/agent-messages.ts';

export const ASYNCAPI_FILE = fileURLToPath(new URL('../docs/asyncapi.json', import.meta.url));

type MessageName = keyof typeof agentMessages;
/** Sent only in answer to a client's request (the reply of the receive operation), not pushed. */
export const REPLIES = ['pong', 'error'] as const satisfies readonly MessageName[];

const CHANNEL = 'live';

/** The AsyncAPI payload: JSON Schema draft-07, which AsyncAPI's default schema format is a superset of. */
function payloadOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _draft, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  return rest;
}

function message(name: string, schema: z.ZodType) {
  return { name, title: name, summary: schema.description, contentType: 'application/json', payload: payloadOf(schema) };
}

const channelRef = { $ref: `#/channels/${CHANNEL}` };
const messageRef = (name: string) => ({ $ref: `#/channels/${CHANNEL}/messages/${name}` });

export function asyncApiDocument(): Record<string, unknown> {
  const pushed = (Object.keys(agentMessages) as MessageName[]).filter((n) => !(REPLIES as readonly string[]).includes(n));
  const requests = Object.keys(agentRequests);
  const all = [...Object.keys(agentMessages), ...requests];
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'ringdesk agent WebSocket',
      version: '1.0.0',
      description:
        'Live messages to agents (pop-ups, call and ticket updates, reminders, rule notifications) over the API Gateway WebSocket of a tenant stack. ' +
        'An employee receives only the messages of their own tenant that are meant for them (N5), on every connection they have open. ' +
        'Generated from shared/events/agent-messages.ts by `npm run asyncapi`; do not edit.',
    },
    defaultContentType: 'application/json',
    servers: {
      aws: {
        host: '{apiId}.execute-api.{region}.amazonaws.com',
        protocol: 'wss',
        description: 'The WebSocket API of a tenant stack',
        variables: { apiId: { description: 'The WebSocket API id (stack output)' }, region: { description: "The stack's AWS region" } },
      },
      local: { host: '127.0.0.1:3001', protocol: 'ws', description: '`npm start` (`--ws-port` changes the port; `.ringdesk/local.json` has the URL)' },
    },
    channels: {
      [CHANNEL]: {
        address: '/live',
        title: 'Agent live channel',
        description:
          'Connect with `?token=<JWT>` (the same bearer token as the HTTP API); a missing, invalid or foreign-tenant token is refused with 401 at the handshake. ' +
          'Frames are JSON text; requests are routed by their `action` field.',
        messages: Object.fromEntries(all.map((n) => [n, { $ref: `#/components/messages/${n}` }])),
        bindings: {
          ws: {
            query: { type: 'object', properties: { token: { type: 'string', description: "The employee's JWT" } }, required: ['token'] },
            bindingVersion: '0.1.0',
          },
        },
      },
    },
    operations: {
      pushToAgent: {
        action: 'send',
        channel: channelRef,
        summary: 'Messages pushed to the connections of the employees concerned',
        messages: pushed.map(messageRef),
      },
      receiveRequest: {
        action: 'receive',
        channel: channelRef,
        summary: 'A request from a client; anything but a known action is answered with `error`',
        messages: requests.map(messageRef),
        reply: { channel: channelRef, messages: REPLIES.map(messageRef) },
      },
    },
    components: {
      messages: Object.fromEntries([
        ...Object.entries(agentMessages).map(([n, s]) => [n, message(n, s)]),
        ...Object.entries(agentRequests).map(([n, s]) => [n, message(n, s)]),
      ]),
    },
  };
}

/** The exact bytes of docs/asyncapi.json. */
export function renderAsyncApi(): string {
  return `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(ASYNCAPI_FILE, renderAsyncApi());
  console.log(`wrote ${ASYNCAPI_FILE}`);
}

// Stream channel names. A channel is one output stream whose deltas are scanned as one text
// ('choices[0].content', 'content[2].input'). Channels starting with 'whole:' carry complete texts
// (a 'done' event repeating the output): the proxy hands those to StreamGuard.inspectWhole, never push.

export const WHOLE_PREFIX = 'whole:';

export function isWholeChannel(channel: string): boolean {
  return channel.startsWith(WHOLE_PREFIX);
}

/** Whether `channel` is named by an endsChannels() entry: exact name, 'prefix*', or '*' (all). */
export function channelMatches(pattern: string, channel: string): boolean {
  if (pattern.endsWith('*')) return channel.startsWith(pattern.slice(0, -1));
  return pattern === channel;
}

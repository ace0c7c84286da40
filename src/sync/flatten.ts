/**
 * Normalize: API objects → warehouse rows (docs/data-contract.md).
 *
 * Nested session objects become one flat row with the asset's type and title added (the API
 * leaves both out); events get their position in the API's order. Values come as the client read
 * them (timestamps already exact microseconds in UTC, numbers already numbers); `raw` keeps each
 * object exactly as the API sent it.
 */
import type { Entry, LiveStream, Player, Session, SessionEvent, Video } from '../api/schemas.js';
import type { AssetType, Row } from '../warehouse/schema.js';
import { countryCode } from './countries.js';

export interface AssetRef {
  type: AssetType;
  id: string;
  title: string | null;
}

const orNull = <T>(value: T | null | undefined): T | null => value ?? null;

function seen(seenAt: bigint): Row {
  return { first_seen_at: seenAt, last_seen_at: seenAt, gone_at: null };
}

export function videoRow({ value: video, raw }: Entry<Video>, seenAt: bigint): Row {
  return {
    video_id: video.videoId,
    title: orNull(video.title),
    description: orNull(video.description),
    public: orNull(video.public),
    panoramic: orNull(video.panoramic),
    mp4_support: orNull(video.mp4Support),
    player_id: orNull(video.playerId),
    tags: orNull(video.tags),
    metadata: video.metadata ? JSON.stringify(video.metadata) : null,
    published_at: orNull(video.publishedAt),
    created_at: orNull(video.createdAt),
    updated_at: video.updatedAt ?? video.updateddAt ?? null,
    ...seen(seenAt),
    raw: JSON.stringify(raw),
  };
}

export function liveStreamRow({ value: liveStream, raw }: Entry<LiveStream>, seenAt: bigint): Row {
  return {
    live_stream_id: liveStream.liveStreamId,
    name: orNull(liveStream.name),
    public: orNull(liveStream.public),
    broadcasting: orNull(liveStream.broadcasting),
    player_id: orNull(liveStream.playerId),
    created_at: orNull(liveStream.createdAt),
    updated_at: orNull(liveStream.updatedAt),
    ...seen(seenAt),
    raw: JSON.stringify(raw),
  };
}

export function playerRow({ value: player, raw }: Entry<Player>, seenAt: bigint): Row {
  return {
    player_id: player.playerId,
    created_at: orNull(player.createdAt),
    updated_at: orNull(player.updatedAt),
    ...seen(seenAt),
    raw: JSON.stringify(raw),
  };
}

export function sessionRow({ value: session, raw }: Entry<Session>, asset: AssetRef): Row {
  const { location, referrer, device, os, client } = session;
  return {
    session_id: session.session.sessionId,
    asset_type: asset.type,
    asset_id: asset.id,
    asset_title: asset.title,
    loaded_at: orNull(session.session.loadedAt),
    ended_at: orNull(session.session.endedAt),
    country: orNull(location?.country),
    country_code: countryCode(location?.country),
    city: orNull(location?.city),
    referrer_url: orNull(referrer?.url),
    referrer_medium: orNull(referrer?.medium),
    referrer_source: orNull(referrer?.source),
    referrer_search_term: orNull(referrer?.searchTerm),
    device_type: orNull(device?.type),
    device_vendor: orNull(device?.vendor),
    device_model: orNull(device?.model),
    os_name: orNull(os?.name),
    os_shortname: orNull(os?.shortname),
    os_version: orNull(os?.version),
    client_type: orNull(client?.type),
    client_name: orNull(client?.name),
    client_version: orNull(client?.version),
    raw: JSON.stringify(raw),
    source: 'api',
    gone_at: null,
  };
}

/**
 * Rows of one page of a session's events. `seq` is the event's place in the API's list (`first`
 * is the page's first place), so an event set aside as a reject leaves its place empty rather than
 * shifting the ones after it.
 */
export function eventRows(
  sessionId: string,
  entries: Array<Entry<SessionEvent>>,
  first: number,
): Row[] {
  return entries.map(({ value: event, raw, index }) => ({
    session_id: sessionId,
    seq: first + index,
    type: orNull(event.type),
    emitted_at: orNull(event.emittedAt),
    at_position: orNull(event.at),
    from_position: orNull(event.from),
    to_position: orNull(event.to),
    raw: JSON.stringify(raw),
  }));
}

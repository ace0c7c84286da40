/**
 * Normalize: API objects → warehouse rows (PRODUCT.md's data contract).
 *
 * Nested session objects become one flat row with the asset's type and title added (the API
 * leaves both out); events get their position in the API's order. Timestamps become exact
 * microseconds in UTC; `raw` keeps each object exactly as the API sent it (the client hands
 * over the objects as sent, not a validated copy).
 */
import { parseApiTimestamp } from '../api/timestamps.js';
import type { LiveStream, Player, Session, SessionEvent, Video } from '../api/schemas.js';
import { countryCode } from './countries.js';

import type { AssetType, Row } from '../warehouse/schema.js';

export interface AssetRef {
  type: AssetType;
  id: string;
  title: string | null;
}

const ts = (value: string | null | undefined): bigint | null =>
  value ? parseApiTimestamp(value) : null;
const text = (value: string | null | undefined): string | null => value ?? null;
const flag = (value: boolean | null | undefined): boolean | null => value ?? null;

function seen(seenAt: bigint): Row {
  return { first_seen_at: seenAt, last_seen_at: seenAt, gone_at: null };
}

export function videoRow(video: Video, seenAt: bigint): Row {
  return {
    video_id: video.videoId,
    title: text(video.title),
    description: text(video.description),
    public: flag(video.public),
    panoramic: flag(video.panoramic),
    mp4_support: flag(video.mp4Support),
    player_id: text(video.playerId),
    tags: video.tags ?? null,
    metadata: video.metadata ? JSON.stringify(video.metadata) : null,
    published_at: ts(video.publishedAt),
    created_at: ts(video.createdAt),
    updated_at: ts(video.updatedAt ?? video.updateddAt),
    ...seen(seenAt),
    raw: JSON.stringify(video),
  };
}

export function liveStreamRow(liveStream: LiveStream, seenAt: bigint): Row {
  return {
    live_stream_id: liveStream.liveStreamId,
    name: text(liveStream.name),
    public: flag(liveStream.public),
    broadcasting: flag(liveStream.broadcasting),
    player_id: text(liveStream.playerId),
    created_at: ts(liveStream.createdAt),
    updated_at: ts(liveStream.updatedAt),
    ...seen(seenAt),
    raw: JSON.stringify(liveStream),
  };
}

export function playerRow(player: Player, seenAt: bigint): Row {
  return {
    player_id: player.playerId,
    created_at: ts(player.createdAt),
    updated_at: ts(player.updatedAt),
    ...seen(seenAt),
    raw: JSON.stringify(player),
  };
}

export function sessionRow(session: Session, asset: AssetRef): Row {
  const { location, referrer, device, os, client } = session;
  return {
    session_id: session.session.sessionId,
    asset_type: asset.type,
    asset_id: asset.id,
    asset_title: asset.title,
    loaded_at: parseApiTimestamp(session.session.loadedAt),
    ended_at: ts(session.session.endedAt),
    country: text(location?.country),
    country_code: countryCode(location?.country),
    city: text(location?.city),
    referrer_url: text(referrer?.url),
    referrer_medium: text(referrer?.medium),
    referrer_source: text(referrer?.source),
    referrer_search_term: text(referrer?.searchTerm),
    device_type: text(device?.type),
    device_vendor: text(device?.vendor),
    device_model: text(device?.model),
    os_name: text(os?.name),
    os_shortname: text(os?.shortname),
    os_version: text(os?.version),
    client_type: text(client?.type),
    client_name: text(client?.name),
    client_version: text(client?.version),
    raw: JSON.stringify(session),
    source: 'api',
    gone_at: null,
  };
}

/** Rows of one session's events; `seq` continues across pages from `firstSeq`. */
export function eventRows(sessionId: string, events: SessionEvent[], firstSeq = 0): Row[] {
  return events.map((event, i) => ({
    session_id: sessionId,
    seq: firstSeq + i,
    type: event.type,
    emitted_at: parseApiTimestamp(event.emittedAt),
    at_position: event.at ?? null,
    from_position: event.from ?? null,
    to_position: event.to ?? null,
    raw: JSON.stringify(event),
  }));
}

// `debug crypto isakmp|ipsec|engine`: every bus event rendered as IOS debug lines, each
// tagged with the category that turns it on. IKE events are rendered by debugIsakmp.ts; the
// gateway's own events (SA installs, drops) here, in the layout of Examples 13-3 and 13-5.

import type { IkeEvent } from '../ike/events.js';
import { ikeDebugMessages } from './debugIkeBridge.js';
import type { DebugCategory, GatewayEvent, TypeswanEvent } from './events.js';

export interface DebugLine {
  readonly category: DebugCategory;
  /** One debug message; continuation lines (IOS prints them without a timestamp) after \n. */
  readonly text: string;
}

/** IOS uptime stamp: "00:04:10" below a day, "1d02h" below a week, "1w1d" after. */
export function iosUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  if (days === 0) {
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    return `${hh}:${mm}:${ss}`;
  }
  if (days < 7) return `${days}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
  return `${Math.floor(days / 7)}w${days % 7}d`;
}

function hexSpi(spi: number): string {
  return `0x${(spi >>> 0).toString(16).toUpperCase()}(${spi >>> 0})`;
}

function gatewayLines(event: GatewayEvent): DebugLine[] {
  switch (event.type) {
    case 'saInstalled':
      // initialize_sas / create_sa are printed from the IKE event; this is the SADB's view.
      return [
        {
          category: 'engine',
          text: `CRYPTO_ENGINE: ${event.direction} ${event.protocol.toUpperCase()} SA ${hexSpi(event.spi)} installed, conn_id= ${event.connId}, ${event.local} ${event.direction === 'inbound' ? '<-' : '->'} ${event.remote}, ${event.transform}${event.mode === 'transport' ? ' (transport)' : ''}`,
        },
      ];
    case 'saRemoved':
      return [
        {
          category: 'ipsec',
          text: `IPSEC(delete_sa): deleting SA,\n  (sa) sa_dest= ${event.destination}, sa_prot= ${event.protocol === 'esp' ? 50 : 51},\n    sa_spi= ${hexSpi(event.spi)}, reason ${event.reason}`,
        },
      ];
    case 'acquire':
      return [
        {
          category: 'engine',
          text: `CRYPTO_ENGINE: acquire for crypto map ${event.cryptoMap} ${event.seq} toward ${event.peer}${event.held ? ', packet held' : ', packet dropped'}`,
        },
      ];
    case 'packetDropped':
      return [
        {
          category: 'engine',
          text: `CRYPTO_ENGINE: ${event.direction} packet dropped: ${event.reason}${event.detail !== undefined ? ` (${event.detail})` : ''}`,
        },
      ];
    case 'icmpSent':
      return [
        { category: 'engine', text: `CRYPTO_ENGINE: ICMP ${event.reason} sent to ${event.destination}` },
      ];
    case 'warning':
      return [{ category: 'engine', text: `CRYPTO_ENGINE: ${event.message}` }];
    case 'vpdn':
      return [{ category: 'vpdn', text: event.text }];
    case 'addressReleased':
      return [
        {
          category: 'isakmp',
          text: `ISAKMP: returning address ${event.addresses.join(', ')} of ${event.client} to its pool`,
        },
      ];
    case 'acquireReleased':
      return [
        {
          category: 'engine',
          text: `CRYPTO_ENGINE: negotiation with ${event.peer} failed, crypto map ${event.cryptoMap} ${event.seq} may try again in ${event.retryIn} s`,
        },
      ];
    case 'peerFailover':
      return [
        {
          category: 'isakmp',
          text: `ISAKMP: crypto map ${event.cryptoMap} ${event.seq}: peer ${event.from} -> ${event.to}: ${event.reason}`,
        },
      ];
    case 'lineProtocol':
      return [
        {
          category: 'engine',
          text: `%LINEPROTO-5-UPDOWN: Line protocol on Interface ${event.interface}, changed state to ${event.up ? 'up' : 'down'} (${event.reason})`,
        },
      ];
    case 'configReloaded':
      return [{ category: 'engine', text: `CRYPTO_ENGINE: configuration ${event.file} reloaded` }];
    case 'started':
      return [
        {
          category: 'engine',
          text: `CRYPTO_ENGINE: crypto map active on ${event.interfaces.join(', ') || 'no interface'}`,
        },
      ];
    case 'stopped':
      return [{ category: 'engine', text: 'CRYPTO_ENGINE: stopped' }];
  }
}

function ikeLines(event: IkeEvent): DebugLine[] {
  return ikeDebugMessages(event);
}

/** The debug messages of one event (timestamps not included). */
export function renderDebug(event: TypeswanEvent): DebugLine[] {
  return event.source === 'ike' ? ikeLines(event.event) : gatewayLines(event.event);
}

/** One message with its IOS timestamp on the first line: "00:04:10: ISAKMP ...". */
export function stampDebug(time: number, text: string): string {
  return `${iosUptime(time)}: ${text}`;
}

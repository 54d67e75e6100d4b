// Agents for the client that sends Lambda's cold samples: no keep-alive, so every Invoke opens a new
// connection to the API endpoint (the policy every kind's cold samples follow: DNS, TCP and TLS are
// part of what a first request costs), and the new socket's events are observed to split the
// sample into DNS / TCP / TLS / first byte like the HTTP kinds' timed requests. Samples are taken
// one at a time, so one observer holds the current call's events.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { nowUs } from '../control/clock.js';
import type { TimingSplit } from './types.js';

export class ConnectionObserver {
  /** Connections opened through the observed agents (ever). */
  opened = 0;
  private socketAt: number | null = null;
  private lookupAt: number | null = null;
  private connectAt: number | null = null;
  private secureAt: number | null = null;
  private firstByteAt: number | null = null;

  /** Forget the previous call's events (before each observed call). */
  reset(): void {
    this.socketAt = this.lookupAt = this.connectAt = this.secureAt = this.firstByteAt = null;
  }

  attach(socket: Duplex): void {
    this.opened += 1;
    this.socketAt = nowUs();
    socket.once('lookup', () => (this.lookupAt = nowUs()));
    socket.once('connect', () => (this.connectAt = nowUs()));
    socket.once('secureConnect', () => (this.secureAt = nowUs()));
    socket.once('data', () => (this.firstByteAt ??= nowUs()));
  }

  /** The split of the last call; phases that did not happen (no DNS for an IP, no TLS on http) are null. */
  split(totalUs: number): TimingSplit {
    const from = this.socketAt;
    if (from === null) return { dnsUs: null, connectUs: null, tlsUs: null, ttfbUs: null, totalUs };
    return {
      dnsUs: this.lookupAt !== null ? this.lookupAt - from : null,
      connectUs: this.connectAt !== null ? this.connectAt - (this.lookupAt ?? from) : null,
      tlsUs: this.secureAt !== null && this.connectAt !== null ? this.secureAt - this.connectAt : null,
      ttfbUs: this.firstByteAt !== null ? this.firstByteAt - (this.secureAt ?? this.connectAt ?? from) : null,
      totalUs,
    };
  }
}

/** http and https agents that never keep a connection and report each new socket to `observer`. */
export function observedAgents(observer: ConnectionObserver): { http: http.Agent; https: https.Agent } {
  class ObservedHttpAgent extends http.Agent {
    override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const socket = super.createConnection(options, callback);
      if (socket) observer.attach(socket);
      return socket;
    }
  }
  class ObservedHttpsAgent extends https.Agent {
    override createConnection(options: https.RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const socket = super.createConnection(options, callback);
      if (socket) observer.attach(socket);
      return socket;
    }
  }
  // keepAlive false with no socket limit: Node sends `Connection: close` and never reuses a socket.
  return { http: new ObservedHttpAgent({ keepAlive: false }), https: new ObservedHttpsAgent({ keepAlive: false }) };
}

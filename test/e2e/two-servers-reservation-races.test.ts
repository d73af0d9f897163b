import { expect, it } from 'vitest';
import { ledgerDeltaMicro, toMicro } from '../api/api-helpers.js';
import { AT, ORG, replay, reserveBody, stockBody, units } from '../support/reservation-helpers.js';
import { type Answer, describeOnTwoServers, useTwoServers } from '../support/two-servers.js';

/*
 * Reservations racing across two server processes sharing one database (test/support/two-servers.ts):
 * availability is never oversold, and the ledger replayed equals what the database stores.
 */
describeOnTwoServers((create) => {
  const t = useTwoServers(create);
  const {
    on,
    send,
    expectRefusedForAvailability,
    perColour,
    measure,
    reservation,
    ledger,
    storedStock,
    sorted,
  } = t;

  it('80 reservations of 1 racing across both servers for 10 units: exactly 10 succeed', async () => {
    const P = 'last-ten';
    expect((await send(t.servers()[0]!, '', stockBody('stock-last-ten', P, { inbound: 10 }))).status).toBe(
      200,
    );
    const answers = await Promise.all(
      Array.from({ length: 80 }, (_, i) => send(on(i), '/reserve', reserveBody(`${P}-${i}`, P, 1))),
    );
    const granted = answers.filter((a) => a.status === 200);
    expect(granted).toHaveLength(10);
    for (const refused of answers.filter((a) => a.status !== 200)) expectRefusedForAvailability(refused);
    const ids = granted.map((a) => a.body.reservationId as string);
    expect(new Set(ids).size).toBe(10);
    for (const server of t.servers()) {
      expect(await measure(server, P, 'iv', 'softreserved')).toBe(units(10));
      expect(await measure(server, P, 'iv', 'availabletoreserve')).toBe(0n);
    }
    for (const [i, id] of ids.entries()) {
      expect(await reservation(on(i), id)).toMatchObject({ quantity: 1, remaining: 1, status: 'open' });
    }
  });

  it('reserve, unreserve, offset and on-hand changes racing across both servers end in the ledger replay', async () => {
    const P = 'mixed';
    const colours = ['red', 'blue'] as const;
    const at = (colour: string) => ({ ...AT, colorId: colour });
    for (const [i, colour] of colours.entries()) {
      const answer = await send(
        on(i),
        '',
        stockBody(`mixed-stock-${colour}`, P, { inbound: 20 }, at(colour)),
      );
      expect(answer.status).toBe(200);
    }
    // 8 reservations of 2 units per colour, made concurrently over both servers (16 of 20 units).
    const setup = await Promise.all(
      colours.flatMap((colour) =>
        Array.from({ length: 8 }, (_, i) =>
          send(on(i), '/reserve', reserveBody(`mixed-pre-${colour}-${i}`, P, 2, { dimensions: at(colour) })),
        ),
      ),
    );
    for (const answer of setup) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const premade = Object.fromEntries(
      colours.map((colour, c) => [
        colour,
        setup.slice(c * 8, c * 8 + 8).map((a) => a.body.reservationId as string),
      ]),
    ) as Record<(typeof colours)[number], string[]>;

    const requests: { kind: string; answer: Promise<Answer> }[] = [];
    let n = 0;
    const push = (kind: string, path: string, body: unknown) => {
      requests.push({ kind, answer: send(on(n++), path, body) });
    };
    for (const colour of colours) {
      const ids = premade[colour];
      // Partial releases: 1 and 0.5 of 2.
      for (let i = 0; i < 4; i++) {
        push('unreserve', '/unreserve', {
          id: `mixed-u-${colour}-${i}`,
          organizationId: ORG,
          productId: P,
          reservationId: ids[i],
          OffsetQty: i % 2 === 0 ? 1 : 0.5,
        });
      }
      // Offsets by reservation id: the ERP ships the 2 reserved units.
      for (let i = 4; i < 6; i++) {
        push('offset', '/offset', {
          ...stockBody(`mixed-o-${colour}-${i}`, P, { outbound: 2 }, at(colour)),
          reservationId: ids[i],
          offsetQty: 2,
        });
      }
      // The same reservation released in full twice at once, once per server: released once.
      for (const s of [0, 1]) {
        push('double', '/unreserve', {
          id: `mixed-d-${colour}-${s}`,
          organizationId: ORG,
          productId: P,
          reservationId: ids[6],
          OffsetQty: 2,
        });
      }
      // An offset and a full release of the same reservation at once: consumed once.
      push('offset-vs-unreserve', '/offset', {
        ...stockBody(`mixed-ou-o-${colour}`, P, { outbound: 2 }, at(colour)),
        reservationId: ids[7],
        offsetQty: 2,
      });
      push('offset-vs-unreserve', '/unreserve', {
        id: `mixed-ou-u-${colour}`,
        organizationId: ORG,
        productId: P,
        reservationId: ids[7],
        OffsetQty: 2,
      });
      // New checked reservations racing for what is left: at most 4 + 3 + 2 + 4 = 13 units ever are.
      for (let i = 0; i < 14; i++) {
        push('reserve', '/reserve', reserveBody(`mixed-r-${colour}-${i}`, P, 1, { dimensions: at(colour) }));
      }
      // Plain on-hand changes.
      for (let i = 0; i < 4; i++) {
        push('onhand', '', stockBody(`mixed-in-${colour}-${i}`, P, { inbound: 1 }, at(colour)));
      }
      for (let i = 0; i < 3; i++) {
        push('onhand', '', stockBody(`mixed-out-${colour}-${i}`, P, { outbound: 1 }, at(colour)));
      }
    }
    const answers = await Promise.all(requests.map((r) => r.answer));
    const byKind = (kind: string) => answers.filter((_, i) => requests[i]!.kind === kind);

    for (const [i, answer] of answers.entries()) {
      const kind = requests[i]!.kind;
      if (kind === 'reserve' && answer.status !== 200) expectRefusedForAvailability(answer);
      else expect(answer.status, `${kind}: ${JSON.stringify(answer.body)}`).toBe(200);
    }
    for (const answer of [...byKind('unreserve'), ...byKind('offset')]) {
      expect(answer.body.processingStatus).toBe('success');
    }
    // Each contested reservation of 2 was released exactly once: the loser released nothing.
    for (const kind of ['double', 'offset-vs-unreserve']) {
      const pairs = byKind(kind);
      for (let c = 0; c < pairs.length; c += 2) {
        const pair = [pairs[c]!, pairs[c + 1]!];
        expect(pair.map((a) => a.body.processingStatus).sort()).toEqual(['partialSuccess', 'success']);
        const invalid = pair.map((a) => Number(a.body.totalInvalidOffsetQtyByReservId ?? 0));
        expect(invalid.reduce((x, y) => x + y, 0)).toBe(2);
      }
    }
    const granted = byKind('reserve').flatMap((a) =>
      a.status === 200 ? [a.body.reservationId as string] : [],
    );
    const reserves = byKind('reserve');
    for (let c = 0; c < colours.length; c++) {
      const grantedHere = reserves.slice(c * 14, c * 14 + 14).filter((a) => a.status === 200).length;
      expect(grantedHere).toBeLessThanOrEqual(13);
    }

    // Replaying the ledger (read from server B) gives exactly what the database stores.
    const entries = await ledger(t.servers()[1]!);
    // Each entry once, in commit order (positions increase; seqs need not, across lock keys).
    const positions = entries.map((e) => e.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    const eventIds = entries.flatMap((e) => (e.eventId === null ? [] : [`${e.family}/${e.eventId}`]));
    expect(new Set(eventIds).size).toBe(eventIds.length);
    const replayed = replay(entries);
    expect(sorted(await storedStock())).toEqual(sorted(replayed));

    // … and what the index query reports per colour, on either server.
    for (const [s, server] of t.servers().entries()) {
      const rows = await perColour(server, P);
      for (const colour of colours) {
        const dims = Object.entries({ colorid: colour, locationid: AT.locationId, siteid: AT.siteId });
        for (const [ds, m] of [
          ['pos', 'inbound'],
          ['pos', 'outbound'],
          ['iv', 'softreserved'],
        ] as const) {
          const key = JSON.stringify([ORG, P, dims, ds, m]);
          expect(rows.get(colour)?.[ds]?.[m] ?? 0n, `server ${s}, ${colour} ${ds}.${m}`).toBe(
            replayed.get(key) ?? 0n,
          );
        }
      }
    }

    // iv.softreserved per colour is what the reservations still hold.
    const remaining = new Map<string, bigint>(colours.map((c) => [c, 0n]));
    for (const [i, id] of [...premade.red, ...premade.blue, ...granted].entries()) {
      const r = await reservation(on(i), id);
      expect(r.remaining).toBeGreaterThanOrEqual(0);
      expect(r.remaining).toBeLessThanOrEqual(r.quantity);
      expect(r.status).toBe(r.remaining > 0 ? 'open' : 'released');
      const colour = Object.entries(r.dimensions).find(([d]) => d.toLowerCase() === 'colorid')![1];
      remaining.set(colour, remaining.get(colour)! + toMicro(r.remaining));
    }
    for (const id of [premade.red[6]!, premade.red[7]!, premade.blue[6]!, premade.blue[7]!]) {
      expect(await reservation(t.servers()[0]!, id)).toMatchObject({ remaining: 0, status: 'released' });
    }
    for (const colour of colours) {
      expect(await measure(t.servers()[0]!, P, 'iv', 'softreserved', colour)).toBe(remaining.get(colour));
    }

    // In ledger order, every checked reservation of the product left availability >= 0 at its colour.
    const sums = new Map<string, bigint>();
    const get = (colour: string, key: string) => sums.get(`${colour}/${key}`) ?? 0n;
    let checked = 0;
    for (const entry of entries) {
      const changes = entry.changes.filter((c) => c.productId === P);
      if (changes.length === 0) continue;
      for (const c of changes) {
        const key = `${c.dimensions.colorid}/${c.dataSource}.${c.measure}`;
        sums.set(key, (sums.get(key) ?? 0n) + ledgerDeltaMicro(c.delta));
      }
      const request = (entry as { request?: { check?: boolean } }).request;
      if (entry.kind === 'reservation.reserve' && request?.check === true) {
        checked++;
        const colour = changes[0]!.dimensions.colorid!;
        const afr = get(colour, 'pos.inbound') - get(colour, 'pos.outbound') - get(colour, 'iv.softreserved');
        expect(afr, `after ledger entry ${entry.seq}`).toBeGreaterThanOrEqual(0n);
      }
    }
    expect(checked).toBe(16 + granted.length);
  });
});

/** The customers table. */
import type { Db } from './db.js';

export type CustomerState = 'active' | 'suspended';

export interface CustomerRecord {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
  readonly email: string;
  readonly state: CustomerState;
  readonly createdAt: string;
  /** The reseller that owns the customer; null for the provider's own customers. */
  readonly resellerId: number | null;
}

interface CustomerRow {
  id: number;
  login: string;
  display_name: string;
  email: string;
  state: CustomerState;
  created_at: string;
  reseller_id: number | null;
}

const toRecord = (r: CustomerRow): CustomerRecord => ({
  id: r.id,
  login: r.login,
  displayName: r.display_name,
  email: r.email,
  state: r.state,
  createdAt: r.created_at,
  resellerId: r.reseller_id,
});

export class CustomerStore {
  private readonly byLoginStmt;
  private readonly byIdStmt;
  private readonly listStmt;
  private readonly insertStmt;
  private readonly setStateStmt;
  private readonly deleteStmt;
  private readonly subscriptionCountStmt;

  constructor(db: Db) {
    this.byLoginStmt = db.prepare<[string], CustomerRow>('SELECT * FROM customers WHERE login = ?');
    this.byIdStmt = db.prepare<[number], CustomerRow>('SELECT * FROM customers WHERE id = ?');
    this.listStmt = db.prepare<[], CustomerRow>('SELECT * FROM customers ORDER BY login');
    this.insertStmt = db.prepare<[string, string, string, string, number | null], { id: number }>(
      "INSERT INTO customers (login, display_name, email, state, created_at, reseller_id) VALUES (?, ?, ?, 'active', ?, ?) RETURNING id",
    );
    this.setStateStmt = db.prepare<[CustomerState, number]>('UPDATE customers SET state = ? WHERE id = ?');
    this.deleteStmt = db.prepare<[number]>('DELETE FROM customers WHERE id = ?');
    this.subscriptionCountStmt = db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM subscriptions WHERE customer_id = ?');
  }

  byLogin(login: string): CustomerRecord | undefined {
    const r = this.byLoginStmt.get(login);
    return r && toRecord(r);
  }

  byId(id: number): CustomerRecord | undefined {
    const r = this.byIdStmt.get(id);
    return r && toRecord(r);
  }

  list(): CustomerRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  insert(login: string, displayName: string, email: string, now: string, resellerId: number | null = null): CustomerRecord {
    const { id } = this.insertStmt.get(login, displayName, email, now, resellerId)!;
    return this.byId(id)!;
  }

  setState(id: number, state: CustomerState): void {
    this.setStateStmt.run(state, id);
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  subscriptionCount(id: number): number {
    return this.subscriptionCountStmt.get(id)!.n;
  }
}

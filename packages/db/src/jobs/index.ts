/** @module Typed access to the jobs registry and its trash table. */
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Db } from '../open/index.ts';
import { deletedJobs, jobs, type DeletedJobRow, type JobRow, type NewJobRow } from '../schema/index.ts';

export type JobPatch = Partial<Omit<NewJobRow, 'id' | 'name' | 'version' | 'createTime'>>;

/** Repository of job versions. */
export function jobRepository(db: Db) {
  return {
    /** Every job version, newest update first, then by name. */
    async list(): Promise<JobRow[]> {
      return db.select().from(jobs).orderBy(desc(jobs.updateTime), asc(jobs.name));
    },

    /** Job versions that should be running (desired state), for the supervisor. */
    async listDesired(): Promise<JobRow[]> {
      return db.select().from(jobs).where(eq(jobs.desiredState, 'running'));
    },

    /** All versions of one job name. */
    async listVersions(name: string): Promise<JobRow[]> {
      return db.select().from(jobs).where(eq(jobs.name, name));
    },

    async find(name: string, version: string): Promise<JobRow | undefined> {
      const rows = await db.select().from(jobs).where(and(eq(jobs.name, name), eq(jobs.version, version)));
      return rows[0];
    },

    async findById(id: string): Promise<JobRow | undefined> {
      return (await db.select().from(jobs).where(eq(jobs.id, id)))[0];
    },

    async insert(row: NewJobRow): Promise<JobRow> {
      const inserted = await db.insert(jobs).values(row).returning();
      return inserted[0] as JobRow;
    },

    /** Updates fields and bumps update_time unless the patch sets it. */
    async update(id: string, patch: JobPatch): Promise<JobRow | undefined> {
      const rows = await db.update(jobs).set({ updateTime: new Date(), ...patch }).where(eq(jobs.id, id)).returning();
      return rows[0];
    },

    /** Updates observed fields only (status, addresses, restarts) without touching update_time. */
    async observe(id: string, patch: Pick<JobPatch, 'status' | 'error' | 'addresses' | 'restarts' | 'everRunning'>): Promise<void> {
      await db.update(jobs).set(patch).where(eq(jobs.id, id));
    },

    /** Removes a job version for good (rollback of a deployment that never ran). */
    async remove(id: string): Promise<void> {
      await db.delete(jobs).where(eq(jobs.id, id));
    },

    /** Deletes a job version and records it in the trash table, atomically. */
    async moveToTrash(row: JobRow): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.delete(deletedJobs).where(and(eq(deletedJobs.name, row.name), eq(deletedJobs.version, row.version)));
        await tx.insert(deletedJobs).values({
          id: row.id,
          name: row.name,
          version: row.version,
          jobTypeVersion: row.jobTypeVersion,
          infrastructureTarget: row.infrastructureTarget,
          manifestYaml: row.manifestYaml,
          deployedBy: row.deployedBy,
          createTime: row.createTime,
        });
        await tx.delete(jobs).where(eq(jobs.id, row.id));
      });
    },

    /** The trash record of a deleted name+version, if any. */
    async findDeleted(name: string, version: string): Promise<DeletedJobRow | undefined> {
      return (await db.select().from(deletedJobs).where(and(eq(deletedJobs.name, name), eq(deletedJobs.version, version))))[0];
    },

    /** Forgets a trash record once the name+version is claimed again with force. */
    async forgetDeleted(name: string, version: string): Promise<void> {
      await db.delete(deletedJobs).where(and(eq(deletedJobs.name, name), eq(deletedJobs.version, version)));
    },

    /** Other versions than `version` of a job (for listings of alternatives in errors). */
    async otherVersions(name: string, version: string): Promise<string[]> {
      const rows = await db.select({ version: jobs.version }).from(jobs).where(and(eq(jobs.name, name), ne(jobs.version, version)));
      return rows.map((r) => r.version);
    },
  };
}

export type JobRepository = ReturnType<typeof jobRepository>;

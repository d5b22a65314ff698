/** @module Typed access to deployments, their phases and build logs. */
import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../open/index.ts';
import { deployments, type DeploymentRow } from '../schema/index.ts';

export type NewDeployment = Pick<DeploymentRow, 'id' | 'jobName' | 'jobVersion'> &
  Partial<Pick<DeploymentRow, 'manifestYaml' | 'deployedBy' | 'infrastructureTarget' | 'warnings' | 'phase'>>;
export type DeploymentPatch = Partial<Pick<DeploymentRow, 'status' | 'phase' | 'error' | 'warnings' | 'imageName'>>;

/** Repository of deployments. */
export function deploymentRepository(db: Db) {
  return {
    async create(row: NewDeployment): Promise<DeploymentRow> {
      const inserted = await db.insert(deployments).values({ status: 'in_progress', ...row }).returning();
      return inserted[0] as DeploymentRow;
    },

    async get(id: string): Promise<DeploymentRow | undefined> {
      return (await db.select().from(deployments).where(eq(deployments.id, id)))[0];
    },

    /** Most recently updated deployments first. */
    async list(limit: number): Promise<DeploymentRow[]> {
      return db.select().from(deployments).orderBy(desc(deployments.updateTime)).limit(limit);
    },

    async update(id: string, patch: DeploymentPatch): Promise<void> {
      await db.update(deployments).set({ ...patch, updateTime: new Date() }).where(eq(deployments.id, id));
    },

    /** Appends text to the build logs (the caller batches lines). */
    async appendLogs(id: string, text: string): Promise<void> {
      if (text === '') return;
      await db
        .update(deployments)
        .set({ buildLogs: sql`${deployments.buildLogs} || ${text}`, updateTime: new Date() })
        .where(eq(deployments.id, id));
    },

    /** Build logs from a character offset, and the offset to ask from next time. */
    async readLogs(id: string, offset: number): Promise<{ logs: string; offset: number } | undefined> {
      const from = Math.max(0, Math.floor(offset));
      const rows = await db
        .select({
          logs: sql<string>`substr(${deployments.buildLogs}, ${from + 1})`,
          length: sql<number>`char_length(${deployments.buildLogs})`,
        })
        .from(deployments)
        .where(eq(deployments.id, id));
      const row = rows[0];
      if (!row) return undefined;
      return { logs: row.logs, offset: Math.max(from, Number(row.length)) };
    },

    /** An in-progress deployment of the same name+version updated since `since`, if any. */
    async findInProgress(jobName: string, jobVersion: string, since: Date): Promise<DeploymentRow | undefined> {
      const rows = await db
        .select()
        .from(deployments)
        .where(and(eq(deployments.jobName, jobName), eq(deployments.jobVersion, jobVersion),
          eq(deployments.status, 'in_progress'), gte(deployments.updateTime, since)))
        .limit(1);
      return rows[0];
    },

    /** The latest deployment of a job version (for its build logs). */
    async latestFor(jobName: string, jobVersion: string): Promise<DeploymentRow | undefined> {
      const rows = await db
        .select()
        .from(deployments)
        .where(and(eq(deployments.jobName, jobName), eq(deployments.jobVersion, jobVersion)))
        .orderBy(desc(deployments.createTime))
        .limit(1);
      return rows[0];
    },

    /** Fails in-progress deployments not updated since `before`; returns them. */
    async failStale(before: Date, error: string): Promise<DeploymentRow[]> {
      return db
        .update(deployments)
        .set({ status: 'failed', error, updateTime: new Date() })
        .where(and(eq(deployments.status, 'in_progress'), lt(deployments.updateTime, before)))
        .returning();
    },
  };
}

export type DeploymentRepository = ReturnType<typeof deploymentRepository>;

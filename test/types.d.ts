declare module 'node-red-node-test-helper' {
  const helper: {
    init(nodeRedRuntime: string, userSettings?: Record<string, unknown>): void;
    load(nodes: unknown, flow: unknown[], credentials?: Record<string, unknown>): Promise<void>;
    unload(): Promise<void>;
    /** Deploys `flow` as the editor would: "full", "flows" or "nodes" (modified nodes only). */
    setFlows(flow: unknown[], type?: 'full' | 'flows' | 'nodes', credentials?: Record<string, unknown>): Promise<void>;
    getNode(id: string): any;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    url(): string;
    /** supertest against the runtime's admin app (RED.httpAdmin). */
    request(): { get(path: string): PromiseLike<{ status: number; body: any; headers: Record<string, string> }> };
    settings(userSettings: Record<string, unknown>): Record<string, unknown>;
  };
  export default helper;
}

/** Resolves to a TCP port nobody listens on at this moment on 127.0.0.1 (the OS picks it). */
export declare function freePort(): Promise<number>;

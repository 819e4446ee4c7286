// Type tests of typed storage (issue #25 item 3), checked by `tsc -p tsconfig.json` (the typecheck
// of `npm test`; `*.test-d.ts` is not a Vitest file pattern, so nothing here runs): every `@ts-expect-error` is
// a mistake the types must refuse — if one stops being refused, the directive is unused and the
// typecheck fails; every `expectTypeOf` fails it when a type changes.
import { describe, expectTypeOf, test } from 'vitest';
import { createKernel, createStorage, exportData, inspect, memoryDriver, migrate, storageInfo } from '../index.js';
import type { JsonValue, ScanEntry, Storable, Storage, Stored } from '../index.js';

interface User {
  name: string;
  born?: Date;
  tags: string[];
}
interface Todo {
  title: string;
  done: boolean;
}
interface App {
  user: User;
  count: number;
  theme: 'light' | 'dark';
  [todo: `todo:${string}`]: Todo;
}
class Point {
  constructor(readonly x: number) {}
  norm(): number {
    return Math.abs(this.x);
  }
}

const app = createStorage<App>();
const plain = createStorage();

describe('a typed storage', () => {
  test('get returns the key’s type, Dates read back as strings', () => {
    expectTypeOf(app.get('user')).resolves.toEqualTypeOf<{ name: string; born?: string; tags: string[] } | undefined>();
    expectTypeOf(app.get('count')).resolves.toEqualTypeOf<number | undefined>();
    expectTypeOf(app.get('count', 0)).resolves.toEqualTypeOf<number>();
    expectTypeOf(app.get('todo:1')).resolves.toEqualTypeOf<Todo | undefined>();
    // @ts-expect-error a key outside the schema
    void app.get('nope');
    // @ts-expect-error a cast on a typed storage is refused, not silently trusted
    void app.get<Todo>('user');
    // @ts-expect-error a default of the wrong type
    void app.get('count', 'zero');
  });

  test('set takes the key’s type', () => {
    void app.set('count', 1);
    void app.set('theme', 'dark', { ttl: 1000 });
    void app.set('user', { name: 'Ada', tags: [], born: new Date() });
    void app.set('todo:1', { title: 't', done: false });
    // @ts-expect-error the issue's example: a number under a User key
    void app.set('user', 1);
    // @ts-expect-error not one of the literals
    void app.set('theme', 'blue');
    // @ts-expect-error a key outside the schema
    void app.set('nope', 1);
    // @ts-expect-error a misspelt property (excess property check)
    void app.set('user', { name: 'Ada', tags: [], nmae: 'x' });
    // @ts-expect-error undefined is not a value (use remove)
    void app.set('count', undefined);
    // @ts-expect-error the pattern key's type
    void app.set('todo:1', { title: 1, done: false });
  });

  test('keys, getMany, setMany, batch, scan, has, remove', () => {
    expectTypeOf(app.keys()).resolves.toEqualTypeOf<('user' | 'count' | 'theme' | `todo:${string}`)[]>();
    expectTypeOf(app.getMany(['count', 'theme'])).resolves.toEqualTypeOf<[number | undefined, 'light' | 'dark' | undefined]>();
    void app.setMany({ count: 2, theme: 'light' });
    void app.setMany([['count', 2], ['theme', 'light']]);
    // @ts-expect-error a value of the wrong type in setMany
    void app.setMany({ count: '2' });
    // @ts-expect-error a pair of the wrong type in setMany
    void app.setMany([['count', 'light']]);
    void app.batch([{ type: 'set', key: 'count', value: 3 }, { type: 'remove', key: 'user' }]);
    // @ts-expect-error a batch op of the wrong type
    void app.batch([{ type: 'set', key: 'count', value: 'three' }]);
    // @ts-expect-error a batch op on a key outside the schema
    void app.batch([{ type: 'remove', key: 'nope' }]);
    // @ts-expect-error a key outside the schema
    void app.remove('nope');
    // @ts-expect-error a key outside the schema
    void app.has('nope');
    void app.scan().then((entries) => {
      for (const e of entries) {
        if (e.key === 'count') expectTypeOf(e.value).toEqualTypeOf<number | undefined>();
        if (e.key === 'theme') expectTypeOf(e.value).toEqualTypeOf<'light' | 'dark' | undefined>();
      }
    });
    // @ts-expect-error a cast on a typed storage is refused
    void app.scan<Todo>();
  });

  test('createKernel takes a schema too', () => {
    const kv = createKernel<{ session: string }>({ driver: memoryDriver() });
    expectTypeOf(kv.get('session')).resolves.toEqualTypeOf<string | undefined>();
    // @ts-expect-error the schema says string
    void kv.set('session', 1);
  });

  test('a schema with a type the serializer refuses does not compile', () => {
    // @ts-expect-error a Map
    createStorage<{ m: Map<string, number> }>();
    // @ts-expect-error a Set inside an object
    createStorage<{ u: { tags: Set<string> } }>();
    // @ts-expect-error a class instance with methods
    createStorage<{ p: Point }>();
    // @ts-expect-error a function
    createStorage<{ f: () => void }>();
    // @ts-expect-error a bigint
    createStorage<{ n: bigint }>();
    // @ts-expect-error an undefined array element
    createStorage<{ list: (string | undefined)[] }>();
    type Nested = string | Nested[];
    createStorage<{ at: Date; maybe?: string; orNot: number | undefined; json: { list: JsonValue[] }; nested: Nested }>();
  });
});

describe('an untyped storage (no type argument) behaves as before schemas', () => {
  test('ReturnType of the factories is the untyped Storage (code annotated with it keeps compiling)', () => {
    expectTypeOf<ReturnType<typeof createStorage>>().toEqualTypeOf<Storage>();
    expectTypeOf<ReturnType<typeof createKernel>>().toEqualTypeOf<Storage>();
  });

  test('get is unknown, get<T> casts, a default gives its type', () => {
    expectTypeOf(plain.get('x')).resolves.toEqualTypeOf<unknown>();
    expectTypeOf(plain.get<User>('x')).resolves.toEqualTypeOf<User | undefined>();
    expectTypeOf(plain.get('x', 5)).resolves.toEqualTypeOf<number>();
    expectTypeOf(plain.getMany(['a', 'b'])).resolves.toEqualTypeOf<unknown[]>();
    expectTypeOf(plain.getMany<User>(['a'])).resolves.toEqualTypeOf<(User | undefined)[]>();
    expectTypeOf(plain.keys()).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(plain.scan()).resolves.toEqualTypeOf<ScanEntry<unknown, string>[]>();
    expectTypeOf(plain.scan<User>()).resolves.toEqualTypeOf<ScanEntry<User>[]>();
  });

  test('set takes any storable value and refuses what the serializer refuses', () => {
    const fromJson: unknown = JSON.parse('{}');
    void plain.set('x', { a: 1, at: new Date(), list: [1, 'b', null], maybe: undefined });
    void plain.set('x', fromJson); // unknown: the run-time check decides
    const user: User = { name: 'Ada', tags: [] };
    void plain.set('user', user); // an interface, not only type literals
    void plain.setMany({ a: 1, b: 'two' });
    void plain.batch([{ type: 'set', key: 'a', value: 1 }, { type: 'remove', key: 'b' }]);
    // @ts-expect-error a Map
    void plain.set('x', new Map<string, number>());
    // @ts-expect-error a Set, deep inside
    void plain.set('x', { a: [{ s: new Set<number>() }] });
    // @ts-expect-error a class instance with methods
    void plain.set('x', new Point(1));
    // @ts-expect-error a function
    void plain.set('x', () => 1);
    // @ts-expect-error a bigint
    void plain.set('x', 1n);
    // @ts-expect-error a symbol
    void plain.set('x', Symbol('s'));
    // @ts-expect-error undefined (use remove)
    void plain.set('x', undefined);
    // @ts-expect-error an undefined array element (JSON would make it null)
    void plain.set('x', [1, undefined]);
    // @ts-expect-error an Error (no methods, still refused at run time)
    void plain.set('x', new Error('e'));
    // @ts-expect-error bytes
    void plain.set('x', new Uint8Array(2));
  });
});

describe('the value types', () => {
  test('Storable keeps what is storable and refuses the rest', () => {
    expectTypeOf<Storable<User>>().toEqualTypeOf<{ name: string; born?: Date; tags: string[] }>();
    expectTypeOf<Storable<{ tags: Set<string> }>>().toEqualTypeOf<{ tags: never }>();
    expectTypeOf<Storable<unknown>>().toEqualTypeOf<unknown>();
  });

  test('Stored maps Dates to strings and leaves Date-free types as they are', () => {
    expectTypeOf<Stored<User>>().toEqualTypeOf<{ name: string; born?: string; tags: string[] }>();
    expectTypeOf<Stored<Todo>>().toEqualTypeOf<Todo>();
    expectTypeOf<Stored<Date[]>>().toEqualTypeOf<string[]>();
    interface Tree {
      label: string;
      children: Tree[];
    }
    expectTypeOf<Stored<Tree>>().toEqualTypeOf<Tree>(); // recursive types terminate
  });
});

describe('typed storages go wherever a Storage goes', () => {
  test('assignable to the untyped Storage, not to another schema', () => {
    expectTypeOf(app).toExtend<Storage>();
    expectTypeOf(createStorage<{ user: User }>()).toExtend<Storage>();
    const takesStorage = (s: Storage): string => s.prefix;
    takesStorage(app);
    const takesApp = (s: Storage<App>): string => s.prefix;
    // @ts-expect-error an untyped storage is not an App storage
    takesApp(plain);
    // @ts-expect-error nor is a storage of another schema
    takesApp(createStorage<{ other: string }>());
  });

  test('the whole-namespace functions take a typed storage', () => {
    expectTypeOf(storageInfo(app)).resolves.toHaveProperty('keys');
    void exportData(app);
    void inspect(app, 'user');
    void migrate(app);
  });
});

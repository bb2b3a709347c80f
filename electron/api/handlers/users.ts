import {
  createUser,
  deactivateUser,
  deleteUser,
  getUser,
  listUsers,
  previewUserDelete,
  updateUser,
} from '../../../db/services/users';
import { exportUsersCsv, importUsersCsv } from '../../../db/services/user-csv';
import type { HandlerTable } from './handler';

type UserChannel =
  | 'users.list'
  | 'users.get'
  | 'users.create'
  | 'users.update'
  | 'users.deactivate'
  | 'users.deletePreview'
  | 'users.delete'
  | 'users.import'
  | 'users.export';

export const userHandlers: HandlerTable<UserChannel> = {
  'users.list': (input, { db, transaction }) => listUsers(db, input, transaction),
  'users.get': (input, { db, transaction }) => getUser(db, input.id, transaction),
  'users.create': (input, { db, transaction }) => createUser(db, input, transaction),
  'users.update': (input, { db, transaction }) => updateUser(db, input, transaction),
  'users.deactivate': (input, { db, transaction }) => deactivateUser(db, input, transaction),
  'users.deletePreview': (input, { db, transaction }) =>
    previewUserDelete(db, input.id, transaction),
  'users.delete': (input, { db, transaction }) => deleteUser(db, input, transaction),
  'users.import': (input, { db, transaction, signal, progress }) =>
    importUsersCsv(db, input, transaction, { signal, progress }),
  'users.export': (input, { db, transaction, signal, progress }) =>
    exportUsersCsv(db, input, transaction, { signal, progress }),
};

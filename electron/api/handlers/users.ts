import {
  createUser,
  deactivateUser,
  deleteUser,
  getUser,
  listUsers,
  previewUserDelete,
  updateUser,
} from '../../../db/services/users';
import {
  bulkDeleteUsers,
  bulkUpdateUsers,
  previewBulkDelete,
} from '../../../db/services/user-bulk';
import { listUserEnrollments } from '../../../db/services/user-enrollments';
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
  | 'users.bulkUpdate'
  | 'users.bulkDeletePreview'
  | 'users.bulkDelete'
  | 'users.enrollments'
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
  'users.bulkUpdate': (input, { db, transaction }) => bulkUpdateUsers(db, input, transaction),
  'users.bulkDeletePreview': (input, { db, transaction }) =>
    previewBulkDelete(db, input, transaction),
  'users.bulkDelete': (input, { db, transaction }) => bulkDeleteUsers(db, input, transaction),
  'users.enrollments': (input, { db, transaction }) =>
    listUserEnrollments(db, input.id, transaction),
  'users.import': (input, { db, transaction, signal, progress }) =>
    importUsersCsv(db, input, transaction, { signal, progress }),
  'users.export': (input, { db, transaction, signal, progress }) =>
    exportUsersCsv(db, input, transaction, { signal, progress }),
};

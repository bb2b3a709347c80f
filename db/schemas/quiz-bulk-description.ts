import type { BulkOperation, BulkOperationRecord } from './quiz-bulk';

/** An operation in a few words, as a person would name it (the app and the CLI alike). */
function describeBulkOperation(operation: BulkOperation): string {
  switch (operation.kind) {
    case 'replace':
      return `Replace “${operation.find}” with “${operation.replaceWith}”${operation.isRegex ? ' (regular expression)' : ''}`;
    case 'setPoints':
      return `Set points to ${operation.points}`;
    case 'setFeedback':
      if (operation.mode === 'append') return 'Append feedback';
      return operation.feedback === '' ? 'Remove feedback' : 'Set feedback';
    case 'addTags':
      return `Add tags ${operation.tags.join(', ')}`;
    case 'removeTags':
      return `Remove tags ${operation.tags.join(', ')}`;
    case 'setShuffle':
      return operation.shuffle ? 'Turn shuffle on' : 'Turn shuffle off';
    case 'setPublished':
      return operation.isPublished ? 'Publish quizzes' : 'Unpublish quizzes';
    case 'moveTo':
      return 'Move to another quiz';
    case 'copyTo':
      return 'Copy to a quiz';
    case 'delete':
      return 'Delete questions';
  }
}

/** A recorded operation's name, saying whether it undid or redid another. */
export function describeBulkRecord(
  record: Pick<BulkOperationRecord, 'action' | 'operation'>,
): string {
  const what = describeBulkOperation(record.operation);
  if (record.action === 'undo') return `Undo of: ${what}`;
  if (record.action === 'redo') return `Redo of: ${what}`;
  return what;
}

/** Hands text to the person as a file download, named `fileName` (in Electron and browser alike). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has taken its copy by the next task; the URL would only hold the text in memory.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

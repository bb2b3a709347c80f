import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

/** The renderer's entry. The pages land with the admin app; this is the shell they mount in. */
function App() {
  return (
    <main>
      <h1>LMS Admin</h1>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

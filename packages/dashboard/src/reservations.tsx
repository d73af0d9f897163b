import { useState } from 'preact/hooks';
import { ProductReservations } from './product-parts.js';

/** Open reservations of a product, with time left; writers may release them. */
export function Reservations() {
  const [organizationId, setOrganizationId] = useState('usmf');
  const [productId, setProductId] = useState('');
  const [shown, setShown] = useState<{ organizationId: string; productId: string } | null>(null);
  return (
    <section aria-labelledby="reservations-screen-title">
      <h1 id="reservations-screen-title">Reservations</h1>
      <form
        class="filters inline"
        onSubmit={(e) => {
          e.preventDefault();
          setShown({ organizationId: organizationId.trim(), productId: productId.trim() });
        }}
      >
        <label>
          Organization
          <input
            value={organizationId}
            onInput={(e) => setOrganizationId((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Product
          <input
            required
            value={productId}
            onInput={(e) => setProductId((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary">
          Show
        </button>
      </form>
      {shown && (
        <ProductReservations organizationId={shown.organizationId} productId={shown.productId} version={0} />
      )}
    </section>
  );
}

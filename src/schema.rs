//! Diesel table definitions, kept in step with `migrations/` by hand (`diesel print-schema`
//! gives the same output when diesel_cli is installed).

diesel::table! {
    sessions (key_hash) {
        key_hash -> Bytea,
        user_id -> Nullable<Int8>,
        public_id -> Text,
        state -> Jsonb,
        user_agent -> Nullable<Text>,
        ip_address -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Citext,
        name -> Text,
        password_hash -> Text,
        bio -> Text,
        avatar_key -> Nullable<Text>,
        email_verified_at -> Nullable<Timestamptz>,
        is_host -> Bool,
        is_admin -> Bool,
        suspended_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        /// Set when the account was deleted: the row stays, anonymised (migration 000020).
        deleted_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        purpose -> Text,
        email -> Citext,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        /// Ended without being used (migration 000020).
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    throttle_buckets (key) {
        key -> Text,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    security_events (id) {
        id -> Int8,
        user_id -> Nullable<Int8>,
        kind -> Text,
        ip_address -> Nullable<Text>,
        detail -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        kind -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        max_attempts -> Int4,
        run_at -> Timestamptz,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    job_schedules (name) {
        name -> Text,
        last_run_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    dev_mailbox (id) {
        id -> Int8,
        to_address -> Text,
        from_address -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    amenities (id) {
        id -> Int4,
        slug -> Text,
        name -> Text,
        position -> Int4,
    }
}

diesel::table! {
    listings (id) {
        id -> Int8,
        host_id -> Int8,
        status -> Text,
        title -> Text,
        description -> Text,
        property_type -> Text,
        address -> Text,
        city -> Text,
        region -> Text,
        country -> Text,
        timezone -> Text,
        latitude -> Nullable<Float8>,
        longitude -> Nullable<Float8>,
        max_guests -> Int4,
        bedrooms -> Int4,
        beds -> Int4,
        bathrooms_tenths -> Int4,
        house_rules -> Text,
        check_in_time -> Time,
        check_out_time -> Time,
        nightly_price -> Int8,
        cleaning_fee -> Int8,
        currency -> Text,
        weekly_discount_pct -> Int4,
        monthly_discount_pct -> Int4,
        min_nights -> Int4,
        max_nights -> Int4,
        instant_book -> Bool,
        cancellation_policy -> Text,
        review_count -> Int4,
        rating_sum -> Int4,
        cleanliness_sum -> Int4,
        accuracy_sum -> Int4,
        check_in_sum -> Int4,
        communication_sum -> Int4,
        location_sum -> Int4,
        value_sum -> Int4,
        rating_avg -> Nullable<Float8>,
        cover_photo_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        published_at -> Nullable<Timestamptz>,
        /// Set by the `listings_assign_place` trigger from city, region and country.
        place_id -> Int8,
        /// Kept by triggers on `listing_photos` (migration 000008).
        card_thumb_key -> Nullable<Text>,
        /// Bit `id - 1` per amenity, kept by triggers on `listing_amenities` (000009).
        amenity_bits -> Int8,
        /// Shown only to the guest of a confirmed stay and the host (000041).
        check_in_instructions -> Text,
    }
}

diesel::table! {
    places (id) {
        id -> Int8,
        city -> Text,
        region -> Text,
        country -> Text,
    }
}

diesel::table! {
    listing_amenities (listing_id, amenity_id) {
        listing_id -> Int8,
        amenity_id -> Int4,
    }
}

diesel::table! {
    listing_photos (id) {
        id -> Int8,
        listing_id -> Int8,
        image_key -> Text,
        thumb_key -> Text,
        width -> Int4,
        height -> Int4,
        position -> Int4,
        caption -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_entries (id) {
        id -> Int8,
        listing_id -> Int8,
        stay -> Daterange,
        kind -> Text,
        booking_id -> Nullable<Int8>,
        note -> Text,
        created_at -> Timestamptz,
        change_id -> Nullable<Int8>,
    }
}

diesel::table! {
    wishlist_items (user_id, listing_id) {
        user_id -> Int8,
        listing_id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    bookings (id) {
        id -> Int8,
        listing_id -> Int8,
        guest_id -> Int8,
        check_in -> Date,
        check_out -> Date,
        guests -> Int4,
        status -> Text,
        hold_expires_at -> Nullable<Timestamptz>,
        currency -> Text,
        nightly_price -> Int8,
        nights -> Int4,
        base_amount -> Int8,
        discount_amount -> Int8,
        cleaning_fee -> Int8,
        service_fee -> Int8,
        tax_amount -> Int8,
        total_amount -> Int8,
        host_fee -> Int8,
        host_payout -> Int8,
        cancellation_policy -> Text,
        idempotency_key -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        reminder_sent_at -> Nullable<Timestamptz>,
        request_to_book -> Bool,
    }
}

diesel::table! {
    booking_events (id) {
        id -> Int8,
        booking_id -> Int8,
        from_status -> Nullable<Text>,
        to_status -> Text,
        actor_id -> Nullable<Int8>,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    payments (id) {
        id -> Int8,
        booking_id -> Int8,
        kind -> Text,
        provider -> Text,
        provider_ref -> Nullable<Text>,
        amount -> Int8,
        currency -> Text,
        status -> Text,
        failure_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        refund_of -> Nullable<Int8>,
    }
}

diesel::table! {
    payment_events (id) {
        id -> Int8,
        provider -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Jsonb,
        received_at -> Timestamptz,
        processed_at -> Nullable<Timestamptz>,
        refusal -> Nullable<Text>,
    }
}

diesel::table! {
    booking_changes (id) {
        id -> Int8,
        booking_id -> Int8,
        check_in -> Date,
        check_out -> Date,
        nightly_price -> Int8,
        nights -> Int4,
        base_amount -> Int8,
        discount_amount -> Int8,
        cleaning_fee -> Int8,
        service_fee -> Int8,
        tax_amount -> Int8,
        total_amount -> Int8,
        host_fee -> Int8,
        host_payout -> Int8,
        status -> Text,
        hold_expires_at -> Timestamptz,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reviews (id) {
        id -> Int8,
        booking_id -> Int8,
        listing_id -> Int8,
        author_id -> Int8,
        subject_id -> Int8,
        direction -> Text,
        rating -> Int2,
        cleanliness -> Nullable<Int2>,
        accuracy -> Nullable<Int2>,
        check_in -> Nullable<Int2>,
        communication -> Nullable<Int2>,
        location -> Nullable<Int2>,
        value -> Nullable<Int2>,
        comment -> Text,
        published_at -> Nullable<Timestamptz>,
        hidden_at -> Nullable<Timestamptz>,
        host_reply -> Nullable<Text>,
        host_replied_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    review_notices (booking_id, kind) {
        booking_id -> Int8,
        kind -> Text,
        sent_at -> Timestamptz,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(account_tokens -> users (user_id));
diesel::joinable!(security_events -> users (user_id));
diesel::joinable!(listings -> users (host_id));
diesel::joinable!(listings -> places (place_id));
diesel::joinable!(listing_amenities -> listings (listing_id));
diesel::joinable!(listing_amenities -> amenities (amenity_id));
diesel::joinable!(listing_photos -> listings (listing_id));
diesel::joinable!(calendar_entries -> listings (listing_id));
diesel::joinable!(wishlist_items -> listings (listing_id));
diesel::joinable!(wishlist_items -> users (user_id));
diesel::joinable!(bookings -> listings (listing_id));
diesel::joinable!(bookings -> users (guest_id));
diesel::joinable!(booking_events -> bookings (booking_id));
diesel::joinable!(payments -> bookings (booking_id));
diesel::joinable!(booking_changes -> bookings (booking_id));
diesel::joinable!(reviews -> bookings (booking_id));
diesel::joinable!(reviews -> listings (listing_id));

diesel::table! {
    /// Units of `code` per unit of the base currency (EUR), in millionths (migration 000050).
    exchange_rates (code) {
        code -> Text,
        rate_micros -> Int8,
        updated_at -> Timestamptz,
        updated_by -> Nullable<Int8>,
    }
}

diesel::joinable!(exchange_rates -> users (updated_by));

diesel::allow_tables_to_appear_in_same_query!(
    exchange_rates,
    places,
    sessions,
    users,
    account_tokens,
    throttle_buckets,
    security_events,
    jobs,
    job_schedules,
    dev_mailbox,
    amenities,
    listings,
    listing_amenities,
    listing_photos,
    calendar_entries,
    wishlist_items,
    bookings,
    booking_events,
    payments,
    payment_events,
    booking_changes,
    reviews,
    review_notices,
);

diesel::table! {
    /// A listing's secret iCalendar export address (migration 000090).
    calendar_exports (listing_id) {
        listing_id -> Int8,
        token -> Text,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(calendar_exports -> listings (listing_id));
diesel::allow_tables_to_appear_in_same_query!(calendar_exports, listings);

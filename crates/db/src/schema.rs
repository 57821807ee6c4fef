//! The schema, in portable types only (BigInt ids, Text, Timestamp, Bool, BigInt money), so
//! that one set of queries serves both backends. Enums are Text with CHECK constraints.

diesel::table! {
    districts (code) {
        code -> Text,
        name -> Text,
        name_en -> Text,
        sido -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        enterprise_id -> Nullable<BigInt>,
        agency_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        throttle_key -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    enterprises (id) {
        id -> BigInt,
        name -> Text,
        biz_reg_no -> Text,
        kind -> Text,
        district -> Text,
        representative -> Text,
        phone -> Text,
        address -> Text,
        description -> Text,
        employees -> Nullable<BigInt>,
        vulnerable_employees -> Nullable<BigInt>,
        status -> Text,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_name -> Text,
        search_chosung -> Text,
        search_grams -> Text,
    }
}

diesel::table! {
    agencies (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        district -> Nullable<Text>,
        parent_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    purchase_plans (agency_id, year) {
        agency_id -> BigInt,
        year -> BigInt,
        total_purchase_won -> BigInt,
        social_target_bp -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        name_en -> Text,
        parent_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    products (id) {
        id -> BigInt,
        enterprise_id -> BigInt,
        category_id -> BigInt,
        name -> Text,
        description -> Text,
        unit -> Text,
        price_won -> BigInt,
        min_order_qty -> BigInt,
        stock -> BigInt,
        lead_time_days -> BigInt,
        status -> Text,
        reject_reason -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        search_name -> Text,
        search_chosung -> Text,
        search_text -> Text,
        search_grams -> Text,
    }
}

diesel::table! {
    orders (id) {
        id -> BigInt,
        order_no -> Text,
        agency_id -> BigInt,
        buyer_id -> BigInt,
        contract_type -> Text,
        status -> Text,
        total_won -> BigInt,
        delivery_address -> Text,
        delivery_district -> Text,
        requested_date -> Date,
        note -> Nullable<Text>,
        warnings -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    fulfillments (id) {
        id -> BigInt,
        order_id -> BigInt,
        enterprise_id -> BigInt,
        enterprise_name -> Text,
        status -> Text,
        subtotal_won -> BigInt,
        commission_bp -> BigInt,
        commission_won -> BigInt,
        reject_reason -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        inspection_due -> Nullable<Date>,
        payment_claimed_at -> Nullable<Timestamp>,
        payment_due -> Nullable<Date>,
        paid_at -> Nullable<Timestamp>,
        settled_at -> Nullable<Timestamp>,
        settlement_won -> Nullable<BigInt>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    order_lines (id) {
        id -> BigInt,
        fulfillment_id -> BigInt,
        product_id -> Nullable<BigInt>,
        category_id -> BigInt,
        product_name -> Text,
        unit -> Text,
        unit_price_won -> BigInt,
        quantity -> BigInt,
        line_total_won -> BigInt,
    }
}

diesel::table! {
    order_events (id) {
        id -> BigInt,
        order_id -> BigInt,
        fulfillment_id -> Nullable<BigInt>,
        actor_id -> BigInt,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> BigInt,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    purchase_totals (agency_id, enterprise_id, category_id, day) {
        agency_id -> BigInt,
        enterprise_id -> BigInt,
        category_id -> BigInt,
        day -> Date,
        total_won -> BigInt,
    }
}

diesel::table! {
    procurement_requests (id) {
        id -> BigInt,
        agency_id -> BigInt,
        buyer_id -> BigInt,
        title -> Text,
        category_id -> BigInt,
        description -> Text,
        quantity -> BigInt,
        unit -> Text,
        budget_won -> BigInt,
        delivery_district -> Text,
        delivery_address -> Text,
        deliver_by -> Date,
        allow_consortium -> Bool,
        quotes_due -> Nullable<Timestamp>,
        status -> Text,
        order_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quotes (id) {
        id -> BigInt,
        request_id -> BigInt,
        enterprise_id -> BigInt,
        product_id -> Nullable<BigInt>,
        unit_price_won -> BigInt,
        quantity -> BigInt,
        total_won -> BigInt,
        lead_time_days -> BigInt,
        note -> Nullable<Text>,
        status -> Text,
        submitted_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    procurement_events (id) {
        id -> BigInt,
        request_id -> BigInt,
        actor_id -> BigInt,
        kind -> Text,
        quote_id -> Nullable<BigInt>,
        order_id -> Nullable<BigInt>,
        note -> Nullable<Text>,
        at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(fulfillments -> orders (order_id));
diesel::joinable!(order_lines -> fulfillments (fulfillment_id));
diesel::joinable!(order_events -> orders (order_id));
diesel::joinable!(products -> enterprises (enterprise_id));
diesel::joinable!(products -> categories (category_id));
diesel::joinable!(purchase_plans -> agencies (agency_id));
diesel::joinable!(users -> enterprises (enterprise_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(quotes -> procurement_requests (request_id));
diesel::joinable!(quotes -> enterprises (enterprise_id));
diesel::joinable!(procurement_events -> procurement_requests (request_id));
diesel::joinable!(procurement_requests -> agencies (agency_id));

diesel::allow_tables_to_appear_in_same_query!(
    districts,
    users,
    refresh_tokens,
    login_failures,
    enterprises,
    agencies,
    purchase_plans,
    categories,
    products,
    orders,
    fulfillments,
    order_lines,
    order_events,
    idempotency_keys,
    purchase_totals,
    procurement_requests,
    quotes,
    procurement_events,
);
